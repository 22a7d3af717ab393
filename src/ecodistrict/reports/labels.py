"""The reports' own words, Italian first and English second (plain dicts, no gettext)."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("it", "en")

LABELS: dict[str, dict[str, str]] = {
    "it": {
        "company_title": "Rapporto di posizionamento",
        "district_title": "Rapporto del distretto per il documento strategico del PUG",
        "indicator_set": "Set di indicatori",
        "data_date": "Data dei dati",
        "generated": "Generato il",
        "district": "Distretto",
        "counts": "%(companies)s imprese, %(flows)s flussi, %(exchanges)s scambi in atto",
        "company": "Impresa",
        "ateco": "Codice ATECO",
        "page": "Pagina",
        "of": "di",
        "footer": "Ogni valore: set di indicatori %(set)s, dati al %(date)s.",
        "declared_data": "1. Dati dichiarati",
        "declared_intro": "I flussi annui dichiarati dall'impresa, con le unità dichiarate.",
        "no_flows": "L'impresa non ha dichiarato alcun flusso.",
        "direction": "Direzione",
        "dir_in": "ingresso",
        "dir_out": "uscita",
        "kind": "Tipo",
        "kind_material": "materia",
        "kind_energy": "energia",
        "kind_water": "acqua",
        "kind_service": "servizio",
        "description": "Descrizione",
        "ewc": "EER",
        "quantity": "Quantità",
        "unit": "Unità",
        "origin_destination": "Origine / destinazione",
        "from_district": "da impresa del distretto",
        "indicators": "2. Indicatori e confronto con i pari",
        "indicators_intro": (
            "Percentile di prestazione tra i pari (100 = migliore), quartile del valore e numero "
            "di pari con un valore; servono almeno %(min)s pari."
        ),
        "dim_circular_performance": "a) Prestazione circolare",
        "dim_territorial_integration": "b) Integrazione territoriale",
        "dim_industrial_symbiosis": "c) Simbiosi industriale",
        "dim_district_closure": "Chiusura dei cicli",
        "indicator": "Indicatore",
        "value": "Valore",
        "division_peers": "Pari divisione ATECO",
        "all_peers": "Tutte le imprese",
        "median_all": "Mediana (tutte)",
        "target": "Obiettivo",
        "missing": "Dati mancanti",
        "missing_intro": "Questi indicatori non si possono calcolare con i dati dichiarati:",
        "nothing_missing": "Tutti gli indicatori sono calcolabili con i dati dichiarati.",
        "radar": "Profilo (indicatori in %, impresa e mediana di tutte le imprese)",
        "radar_firm": "Impresa",
        "radar_median": "Mediana",
        "references": "3. Valori di riferimento e obiettivi",
        "reference": "Riferimento",
        "year": "Anno",
        "source": "Fonte",
        "reliability": "Affid.",
        "verdict": "Esito",
        "better": "migliore",
        "worse": "peggiore",
        "within": "nell'intervallo",
        "context": "contesto",
        "no_references": "Nessun valore di riferimento pubblicato si applica a questa impresa.",
        "targets": "Obiettivi del distretto",
        "met": "Raggiunto",
        "gap": "Distanza",
        "yes": "sì",
        "no": "no",
        "opportunities": "4. Opportunità di simbiosi",
        "opportunities_intro": (
            "Abbinamenti proposti dal motore di matchmaking. Il partner non è nominato finché "
            "entrambe le imprese non esprimono interesse: se ne indicano solo la divisione ATECO "
            "e la distanza."
        ),
        "as_supplier": "Le sue uscite verso altre imprese",
        "as_receiver": "Risorse che potrebbe ricevere",
        "no_matches": "Nessun abbinamento.",
        "left_out": (
            "Il rapporto mostra i migliori abbinamenti; altri %(n)s sono consultabili sulla "
            "piattaforma."
        ),
        "resource": "Risorsa",
        "partner": "Partner (divisione)",
        "distance": "Distanza",
        "basis": "Base",
        "basis_declared": "dichiarato",
        "basis_inferred": "dedotto",
        "reasons": "Motivi",
        "impact": "Impatto stimato",
        "co2": "CO2 evitata",
        "landfill": "discarica evitata",
        "money": "risparmio",
        "withheld": "[descrizione riservata]",
        "commitments": "5. Impegni e avanzamento",
        "no_commitments": "Nessun impegno registrato.",
        "baseline": "Base",
        "deadline": "Scadenza",
        "current": "Attuale",
        "status": "Stato",
        "status_met": "raggiunto",
        "status_on_track": "in linea",
        "status_late": "in ritardo",
        "status_in_progress": "in corso",
        "status_unknown": "non valutabile",
        "annex": "Allegato metodologico",
        "annex_intro": (
            "Formula e fonte di ogni indicatore del set %(set)s (pubblicato il %(date)s)."
        ),
        "formula": "Formula",
        "since": "Dal",
        "district_indicators": "1. Indicatori del distretto",
        "closure": "2. Chiusura dei cicli",
        "closure_intro": (
            "Quota dei flussi che le imprese del distretto ricevono da altre imprese del distretto."
        ),
        "cycle_matter": "Materia",
        "cycle_energy": "Energia",
        "cycle_water": "Acqua",
        "cycle_waste": "Rifiuti",
        "from_outside": "Dall'esterno",
        "inside": "Scambiato nel distretto",
        "to_outside": "Verso l'esterno",
        "internal": "Riuso interno",
        "firms": "Imprese del distretto",
        "cycle": "Ciclo",
        "map": "3. Mappa delle imprese e degli scambi",
        "map_intro": (
            "Posizioni proiettate da latitudine e longitudine; le linee sono gli scambi in atto. "
            "Sono nominate solo le imprese che hanno dato il consenso."
        ),
        "sankey": "4. Flussi per ciclo (Sankey)",
        "positioning_db": "5. Banca dati di posizionamento (aggregata)",
        "positioning_intro": (
            "Minimo, mediana e massimo per divisione ATECO con almeno %(min)s imprese; nessuna "
            "impresa è identificabile."
        ),
        "no_division": "Nessuna divisione ATECO ha abbastanza imprese.",
        "division": "Divisione",
        "n_firms": "N",
        "minimum": "Min",
        "median": "Mediana",
        "maximum": "Max",
        "consenting": "Imprese che hanno acconsentito alla pubblicazione",
        "selection": "6. Requisiti di ammissibilità e metodo di graduatoria",
        "not_adopted": "Non ancora adottati.",
        "requirement": "Requisito",
        "threshold": "Soglia",
        "method": "Metodo",
        "criterion": "Criterio",
        "weight": "Peso",
        "rank": "Posizione",
        "score": "Punteggio",
        "applicant": "Richiedente",
        "excluded": "Esclusi",
        "settlement": "7. Scenario insediativo scelto",
        "settlement_not_adopted": "Nessuno scenario insediativo ancora scelto.",
        "lot": "Lotto",
        "solver_status": "Stato del solutore",
        "not_settled": "Non insediati",
        "closure_potential": "Potenziale di chiusura",
        "conditionalities": "8. Condizionalità raccomandate",
        "conditionalities_intro": (
            "Derivate dai dati: soglia alla mediana del distretto degli indicatori principali "
            "(calcolata su almeno %(min)s imprese con un valore)."
        ),
        "rule": "Regola",
        "basis_value": "Valore di base",
        "at_least": "almeno",
        "at_most": "al massimo",
        "rule_median": "%(name)s %(cmp)s %(value)s (mediana del distretto, %(n)s imprese)",
        "rule_complete": "Dati completi: tutti gli indicatori del contratto calcolabili",
        "rule_complete_value": "%(n)s imprese su %(total)s oggi li hanno tutti",
        "no_conditionalities": "Dati insufficienti per derivare condizionalità.",
        "anonymous_firm": "Impresa %(code)s",
        "licence": "Licenza",
    },
    "en": {
        "company_title": "Positioning report",
        "district_title": "District report for the PUG strategy document",
        "indicator_set": "Indicator set",
        "data_date": "Date of the data",
        "generated": "Generated on",
        "district": "District",
        "counts": "%(companies)s firms, %(flows)s flows, %(exchanges)s exchanges in place",
        "company": "Company",
        "ateco": "ATECO code",
        "page": "Page",
        "of": "of",
        "footer": "Every figure: indicator set %(set)s, data as of %(date)s.",
        "declared_data": "1. Declared data",
        "declared_intro": "The yearly flows the firm declared, in the units declared.",
        "no_flows": "The firm declared no flow.",
        "direction": "Direction",
        "dir_in": "in",
        "dir_out": "out",
        "kind": "Kind",
        "kind_material": "material",
        "kind_energy": "energy",
        "kind_water": "water",
        "kind_service": "service",
        "description": "Description",
        "ewc": "EWC",
        "quantity": "Quantity",
        "unit": "Unit",
        "origin_destination": "Origin / destination",
        "from_district": "from a district firm",
        "indicators": "2. Indicators against peers",
        "indicators_intro": (
            "Performance percentile among peers (100 = best), quartile of the value and number "
            "of peers with a value; at least %(min)s peers are needed."
        ),
        "dim_circular_performance": "a) Circular performance",
        "dim_territorial_integration": "b) Territorial integration",
        "dim_industrial_symbiosis": "c) Industrial symbiosis",
        "dim_district_closure": "Closure of the cycles",
        "indicator": "Indicator",
        "value": "Value",
        "division_peers": "ATECO division peers",
        "all_peers": "All firms",
        "median_all": "Median (all)",
        "target": "Target",
        "missing": "Missing data",
        "missing_intro": "These indicators cannot be computed from the declared data:",
        "nothing_missing": "Every indicator can be computed from the declared data.",
        "radar": "Profile (indicators in %, the firm and the median of all firms)",
        "radar_firm": "Firm",
        "radar_median": "Median",
        "references": "3. Reference values and targets",
        "reference": "Reference",
        "year": "Year",
        "source": "Source",
        "reliability": "Rel.",
        "verdict": "Verdict",
        "better": "better",
        "worse": "worse",
        "within": "within range",
        "context": "context",
        "no_references": "No published reference value applies to this firm.",
        "targets": "District targets",
        "met": "Met",
        "gap": "Gap",
        "yes": "yes",
        "no": "no",
        "opportunities": "4. Symbiosis opportunities",
        "opportunities_intro": (
            "Matches proposed by the matchmaking engine. The partner is not named until both "
            "firms express interest: only its ATECO division and the distance are given."
        ),
        "as_supplier": "Its outputs to other firms",
        "as_receiver": "Resources it could receive",
        "no_matches": "No match.",
        "left_out": "The report shows the best matches; %(n)s more can be seen on the platform.",
        "resource": "Resource",
        "partner": "Partner (division)",
        "distance": "Distance",
        "basis": "Basis",
        "basis_declared": "declared",
        "basis_inferred": "inferred",
        "reasons": "Reasons",
        "impact": "Estimated impact",
        "co2": "CO2 avoided",
        "landfill": "landfill avoided",
        "money": "saving",
        "withheld": "[description withheld]",
        "commitments": "5. Commitments and progress",
        "no_commitments": "No commitment recorded.",
        "baseline": "Baseline",
        "deadline": "Deadline",
        "current": "Current",
        "status": "Status",
        "status_met": "met",
        "status_on_track": "on track",
        "status_late": "late",
        "status_in_progress": "in progress",
        "status_unknown": "cannot be assessed",
        "annex": "Methodology annex",
        "annex_intro": (
            "Formula and source of each indicator of the set %(set)s (published %(date)s)."
        ),
        "formula": "Formula",
        "since": "Since",
        "district_indicators": "1. District indicators",
        "closure": "2. Closure of the cycles",
        "closure_intro": "Share of the flows district firms receive from other district firms.",
        "cycle_matter": "Matter",
        "cycle_energy": "Energy",
        "cycle_water": "Water",
        "cycle_waste": "Waste",
        "from_outside": "From outside",
        "inside": "Exchanged in the district",
        "to_outside": "To outside",
        "internal": "Internal reuse",
        "firms": "District firms",
        "cycle": "Cycle",
        "map": "3. Map of firms and exchanges",
        "map_intro": (
            "Positions projected from latitude and longitude; lines are the exchanges in place. "
            "Only firms that consented are named."
        ),
        "sankey": "4. Flows per cycle (Sankey)",
        "positioning_db": "5. Positioning database (aggregate)",
        "positioning_intro": (
            "Minimum, median and maximum per ATECO division with at least %(min)s firms; no firm "
            "is identifiable."
        ),
        "no_division": "No ATECO division has enough firms.",
        "division": "Division",
        "n_firms": "N",
        "minimum": "Min",
        "median": "Median",
        "maximum": "Max",
        "consenting": "Firms that consented to publication",
        "selection": "6. Eligibility requirements and ranking method",
        "not_adopted": "Not yet adopted.",
        "requirement": "Requirement",
        "threshold": "Threshold",
        "method": "Method",
        "criterion": "Criterion",
        "weight": "Weight",
        "rank": "Rank",
        "score": "Score",
        "applicant": "Applicant",
        "excluded": "Excluded",
        "settlement": "7. Chosen settlement scenario",
        "settlement_not_adopted": "No settlement scenario chosen yet.",
        "lot": "Lot",
        "solver_status": "Solver status",
        "not_settled": "Not settled",
        "closure_potential": "Closure potential",
        "conditionalities": "8. Recommended conditionalities",
        "conditionalities_intro": (
            "Derived from the data: threshold at the district median of the main indicators "
            "(computed on at least %(min)s firms with a value)."
        ),
        "rule": "Rule",
        "basis_value": "Value behind it",
        "at_least": "at least",
        "at_most": "at most",
        "rule_median": "%(name)s %(cmp)s %(value)s (district median, %(n)s firms)",
        "rule_complete": "Complete data: every contract indicator computable",
        "rule_complete_value": "%(n)s firms of %(total)s have all of them today",
        "no_conditionalities": "Not enough data to derive conditionalities.",
        "anonymous_firm": "Firm %(code)s",
        "licence": "Licence",
    },
}


#: Italian for the reasons the indicator library gives, in English, when a value is missing
#: (the same list and wording as the web's `indicators/reasons.py` and its catalogue). A reason
#: not listed here is printed as the library wrote it.
REASONS_IT: dict[str, str] = {
    "no material inflows declared": "nessun ingresso di materia dichiarato",
    "no material outflows declared (internal ones do not count)": (
        "nessuna uscita di materia dichiarata (quelle interne non contano)"
    ),
    "no waste outflows declared": "nessun rifiuto in uscita dichiarato",
    "no material inflows or outflows declared": "nessun ingresso o uscita di materia dichiarati",
    "no energy inflows declared": "nessun ingresso di energia dichiarato",
    "no water inflows declared": "nessun ingresso d'acqua dichiarato",
    "no material inflow with a known source_distance_km": (
        "nessun ingresso di materia con source_distance_km nota"
    ),
    "no material inflow with a known distance": "nessun ingresso di materia con distanza nota",
    "employees not declared": "addetti non dichiarati",
    "employees is 0": "gli addetti sono 0",
    "revenue_eur not declared": "fatturato (revenue_eur) non dichiarato",
    "revenue_eur is 0": "il fatturato (revenue_eur) è 0",
    "no linear material inflow (all material inflows are circular, or none is declared)": (
        "nessun ingresso di materia lineare (tutti gli ingressi di materia sono circolari, "
        "o nessuno è dichiarato)"
    ),
    "no product outflows declared": "nessun prodotto in uscita dichiarato",
    "no product output with MCI inputs (mci) declared": (
        "nessun prodotto in uscita con i dati per l'MCI (mci) dichiarato"
    ),
    "no material inflows in the district": "nessun ingresso di materia nel distretto",
    "no energy inflows in the district": "nessun ingresso di energia nel distretto",
    "no water inflows in the district": "nessun ingresso d'acqua nel distretto",
    "no waste outflows in the district": "nessun rifiuto in uscita nel distretto",
    "no wastes or by-products generated in the district": (
        "nessun rifiuto o sottoprodotto generato nel distretto"
    ),
    "no firms in the district": "nessuna impresa nel distretto",
    "fewer than 2 firms: no possible link": "meno di 2 imprese: nessun legame possibile",
    "not computed": "non calcolato",
}


def reason_text(reason: str | None, lang: str) -> str:
    """A missing value's reason in the report's language (each part of a "; " list)."""
    if not reason:
        return ""
    if lang != "it":
        return reason
    return "; ".join(REASONS_IT.get(part, part) for part in reason.split("; "))


def labels_for(lang: str) -> dict[str, str]:
    """The labels of a language ('it' or 'en'); ValueError for another."""
    if lang not in LABELS:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return LABELS[lang]


#: Italian names of the coded values of the district file (origin, legal status, destination);
#: the English report shows the codes as they are written in the file.
CODED_VALUES_IT = {
    "virgin": "vergine",
    "recycled": "riciclata",
    "reused": "riutilizzata",
    "by-product": "sottoprodotto",
    "renewable": "rinnovabile",
    "unknown": "non nota",
    "waste": "rifiuto",
    "end-of-waste": "end of waste",
    "product": "prodotto",
    "reuse": "riutilizzo",
    "recycling": "riciclo",
    "composting": "compostaggio",
    "energy-recovery": "recupero energetico",
    "incineration": "incenerimento",
    "landfill": "discarica",
    "internal": "interna",
}


def coded_value(value: str, lang: str) -> str:
    """A coded value of the district file in the report's language."""
    return CODED_VALUES_IT.get(value, value) if lang == "it" else value
