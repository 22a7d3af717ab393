"""Optimisation with OR-Tools: the symbiosis exchange network (MathOpt + HiGHS, LP or MIP) and
the settlement of applicants on the new area's lots (CP-SAT), with comparable scenarios.

Plain data in, a result out; see docs/optimisation.md.
"""

from ecodistrict.optimize.lots import (
    LOTS_FORMAT,
    FixedChoice,
    Incompatibility,
    Lot,
    LotsFile,
    ObjectiveFactors,
    load_lots_file,
    lots_json_schema,
    parse_lots,
)
from ecodistrict.optimize.network import (
    NETWORK_FORMAT,
    CandidateExchange,
    CycleBaseline,
    NetworkSolution,
    candidates_from_matches,
    closure_baseline,
    optimise_district_network,
    optimise_network,
)
from ecodistrict.optimize.scenario import (
    SCENARIO_FORMAT,
    compare_scenarios,
    settle_call,
    settlement_problem,
)
from ecodistrict.optimize.settlement import (
    SETTLEMENT_FORMAT,
    Link,
    Position,
    PresentFirm,
    SettlementApplicant,
    SettlementProblem,
    SettlementSolution,
    evaluate_assignment,
    settle,
)

__all__ = [
    "LOTS_FORMAT",
    "NETWORK_FORMAT",
    "SCENARIO_FORMAT",
    "SETTLEMENT_FORMAT",
    "CandidateExchange",
    "CycleBaseline",
    "FixedChoice",
    "Incompatibility",
    "Link",
    "Lot",
    "LotsFile",
    "NetworkSolution",
    "ObjectiveFactors",
    "Position",
    "PresentFirm",
    "SettlementApplicant",
    "SettlementProblem",
    "SettlementSolution",
    "candidates_from_matches",
    "closure_baseline",
    "compare_scenarios",
    "evaluate_assignment",
    "load_lots_file",
    "lots_json_schema",
    "optimise_district_network",
    "optimise_network",
    "parse_lots",
    "settle",
    "settle_call",
    "settlement_problem",
]
