from django.urls import path

from ecodistrict_web.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("ewc.json", views.ewc_search, name="ewc"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/<str:name>/", views.step, name="step"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/new-version/", views.new_version, name="new_version"),
    path("<int:pk>/versions/<int:number>/review/", views.review, name="review"),
    path("<int:pk>/template.xlsx", views.template_download, name="template"),
    path("<int:pk>/upload/", views.upload, name="upload"),
]
