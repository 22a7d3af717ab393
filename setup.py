"""Package layout: the library from src/ecodistrict, the Django project web/ as ecodistrict_web.

The web half lives in web/ (as ARCHITECTURE.md asks) but installs under an unambiguous import
name, so `pip install .` ships both halves and `ecodistrict serve` works from the wheel.
"""

from setuptools import find_packages, setup

library = find_packages("src", include=["ecodistrict", "ecodistrict.*"])
web = ["ecodistrict_web" + name[3:] for name in find_packages(".", include=["web", "web.*"])]

setup(
    packages=library + web,
    package_dir={"": "src", "ecodistrict_web": "web"},
    package_data={
        "ecodistrict": [
            "**/*.csv", "**/*.yaml", "**/*.json", "**/*.md", "py.typed",
            "reports/templates/*",  # Jinja2 templates and the stylesheet of the reports
        ],
        "ecodistrict_web": ["**/templates/**/*", "**/static/**/*", "**/locale/**/*"],
    },
    include_package_data=True,
)
