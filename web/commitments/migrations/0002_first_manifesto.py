"""The first version of the manifesto of territorial circularity and of the guidelines.

Written from the project's seed (the Comune di Formigine's "Laboratorio Smart Eco District per
la circolarità territoriale sostenibile") and the product brief. Staff publish later versions
from the platform; this one is published by nobody (the platform's first text).
"""

from django.db import migrations

MANIFESTO_IT = """Il Comune di Formigine prevede, nel Piano Urbanistico Generale, un nuovo insediamento produttivo: lo Smart Eco District. Chi vi si insedia, e chi lavora già nel territorio, si impegna a una circolarità misurabile e condivisa. Questo manifesto ne fissa i principi.

## 1. Misurare per decidere
- Le prestazioni di circolarità si misurano con indicatori pubblici, versionati e documentati: ogni valore ha una formula e una fonte.
- Le imprese dichiarano ogni anno i propri flussi di materia, energia, acqua, rifiuti e sottoprodotti, e ne rispondono.

## 2. Chiudere i cicli sul territorio
- Materia, energia, acqua e scarti restano in circolo nel raggio del distretto quanto più è possibile: lo scarto di un'impresa diventa risorsa per un'altra.
- Si preferiscono il riuso, il riciclo e il recupero di materia; la discarica è l'ultima scelta.

## 3. Usare meno e meglio
- Si riduce l'impiego di risorse vergini e di energia fossile per unità di prodotto.
- Si recupera il calore, si riusa l'acqua, si condividono impianti e servizi.

## 4. Cooperare tra imprese
- Le imprese mettono in comune infrastrutture, logistica delle merci e competenze.
- La simbiosi industriale si costruisce per scelta reciproca: l'identità di un partner si rivela solo con il consenso di entrambi.

## 5. Muovere meno merci, meglio
- La logistica è coordinata: meno viaggi a vuoto, carichi condivisi, fornitori vicini.

## 6. Trasparenza e riservatezza
- I dati di un'impresa sono riservati; si pubblicano aggregati e, solo con consenso, nominativi.
- I criteri di ammissione e di graduatoria per l'insediamento sono pubblici, con i loro pesi.

## 7. Impegni verificabili
- Chi firma il manifesto assume impegni con un indicatore, un valore di partenza, un obiettivo e una scadenza.
- Ogni anno i nuovi dati mostrano l'avanzamento: raggiunto, in linea, in ritardo."""

MANIFESTO_EN = """The Municipality of Formigine is planning, within its General Urban Plan (PUG), a new productive area: the Smart Eco District. Firms that settle there, and firms already working in the territory, commit to a circularity that is measured and shared. This manifesto sets out its principles.

## 1. Measure in order to decide
- Circular performance is measured with public, versioned and documented indicators: every value has a formula and a source.
- Firms declare every year their flows of materials, energy, water, wastes and by-products, and are accountable for them.

## 2. Close the cycles in the territory
- Materials, energy, water and residues stay in circulation within the district's radius as far as possible: one firm's residue becomes another's resource.
- Reuse, recycling and material recovery come first; landfill is the last resort.

## 3. Use less, and use it better
- The use of virgin resources and fossil energy per unit of product goes down.
- Heat is recovered, water is reused, plants and services are shared.

## 4. Cooperate between firms
- Firms pool infrastructure, freight logistics and competences.
- Industrial symbiosis is built by mutual choice: a partner's identity is revealed only when both agree.

## 5. Move fewer goods, better
- Logistics is coordinated: fewer empty trips, shared loads, nearby suppliers.

## 6. Transparency and confidentiality
- A firm's data are confidential; aggregates are published, and names only with consent.
- The eligibility requirements and the ranking method for settlement are public, with their weights.

## 7. Commitments that can be checked
- Whoever signs the manifesto states commitments with an indicator, a baseline, a target and a deadline.
- Every year the new data show the progress: met, on track, late."""

GUIDELINES_IT = """Le linee guida dicono come un'impresa partecipa allo Smart Eco District. Sono la traduzione operativa del manifesto.

## Profilazione
- Compilare l'assessment di profilazione (anche con il modello Excel): dati dell'impresa, codice ATECO, sede, flussi annuali in ingresso e in uscita con unità di misura, codici EER dei rifiuti, origine e destinazione.
- Aggiornare i dati ogni anno, dopo la chiusura dell'esercizio.

## Posizionamento
- Consultare i propri indicatori nelle tre dimensioni (performance circolare, integrazione territoriale, simbiosi industriale) rispetto ai pari del settore, ai valori di riferimento e agli obiettivi del distretto.

## Simbiosi
- Valutare gli abbinamenti proposti dalla piattaforma; esprimere interesse per quelli utili. Lo scambio si avvia quando entrambe le imprese sono d'accordo.

## Modelli operativi
- Con un facilitatore, provare in uno scenario le misure possibili (materie prime seconde, recupero di calore, impianto idrico condiviso, logistica in comune) e confrontare gli indicatori prima e dopo.

## Impegni
- Firmare il manifesto e le linee guida; scegliere uno o più indicatori, fissare un obiettivo e un anno di scadenza. Il valore di partenza è quello dell'ultimo calcolo degli indicatori.
- Un impegno è raggiunto quando l'ultimo valore raggiunge l'obiettivo nella direzione dell'indicatore; altrimenti è in linea se la quota di strada percorsa è almeno pari alla quota di tempo trascorso, in ritardo se è minore o se la scadenza è passata.

## Pubblicità
- Al momento della firma l'impresa sceglie se il proprio nome e i propri avanzamenti compaiono sulla pagina pubblica. In ogni caso i suoi impegni contano negli aggregati, senza nome."""

GUIDELINES_EN = """The guidelines say how a firm takes part in the Smart Eco District. They put the manifesto into practice.

## Profiling
- Fill in the profiling assessment (also with the Excel template): company data, ATECO code, site, yearly flows in and out with their units, EWC codes of wastes, origin and destination.
- Update the data every year, after closing the financial year.

## Positioning
- Read the firm's indicators in the three dimensions (circular performance, territorial integration, industrial symbiosis) against sector peers, reference values and the district's targets.

## Symbiosis
- Assess the matches the platform proposes; express interest in the useful ones. An exchange starts when both firms agree.

## Operating models
- With a facilitator, try the possible measures in a scenario (secondary raw materials, heat recovery, a shared water plant, pooled logistics) and compare the indicators before and after.

## Commitments
- Sign the manifesto and the guidelines; choose one or more indicators, set a target and a deadline year. The baseline is the value of the latest indicator computation.
- A commitment is met when the latest value reaches the target in the indicator's direction; otherwise it is on track when the share of the way covered is at least the share of the time elapsed, and late when it is smaller or the deadline has passed.

## Publicity
- On signing, the firm chooses whether its name and progress appear on the public page. In any case its commitments count in the aggregates, without its name."""


def publish_first_versions(apps, schema_editor):
    charter = apps.get_model("commitments", "CharterVersion")
    for kind, title_it, title_en, body_it, body_en in (
        (
            "manifesto",
            "Manifesto della circolarità territoriale dello Smart Eco District di Formigine",
            "Manifesto of territorial circularity of the Smart Eco District of Formigine",
            MANIFESTO_IT,
            MANIFESTO_EN,
        ),
        (
            "guidelines",
            "Linee guida per l'insediamento e la partecipazione allo Smart Eco District",
            "Guidelines for settling in and taking part in the Smart Eco District",
            GUIDELINES_IT,
            GUIDELINES_EN,
        ),
    ):
        if not charter.objects.filter(kind=kind).exists():
            charter.objects.create(
                kind=kind,
                version=1,
                title_it=title_it,
                title_en=title_en,
                body_it=body_it,
                body_en=body_en,
            )


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]

    operations = [migrations.RunPython(publish_first_versions, migrations.RunPython.noop)]
