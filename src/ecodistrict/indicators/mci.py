"""Material Circularity Indicator (EMF & Granta Design, Methodology 2015, 2019 update).

Formulas (indicators catalogue §2.2, cross-checked against Madaster's published methodology):

    V   = M (1 − F_R − F_U − F_S)
    W_0 = M (1 − C_R − C_U − C_C − C_E)
    W_C = M (1 − E_C) C_R
    W_F = M F_R (1 − E_F) / E_F
    W   = W_0 + (W_F + W_C) / 2
    LFI = (V + W) / (2M + (W_F − W_C) / 2)
    X   = (L / L_av) (U / U_av)
    F(X)= 0.9 / X
    MCI = max(0, 1 − LFI · F(X))

The LFI denominator keeps the (W_F − W_C)/2 term: several public implementations simplify it to
2M, which is right only when W_F = W_C (catalogue §2.4).
"""

from __future__ import annotations

from dataclasses import dataclass

UTILITY_CONSTANT = 0.9  # the "a" of F(X) = a / X chosen by EMF so a linear product scores 0.1


@dataclass(frozen=True, slots=True)
class MciResult:
    V: float
    W_0: float
    W_C: float
    W_F: float
    W: float
    LFI: float
    X: float
    F_X: float
    MCI: float


class MciInputError(ValueError):
    """The data cannot give an MCI (a needed efficiency is missing, a fraction out of range)."""


def material_circularity_indicator(
    M: float,
    F_R: float = 0.0,
    F_U: float = 0.0,
    F_S: float = 0.0,
    C_R: float = 0.0,
    C_U: float = 0.0,
    C_C: float = 0.0,
    C_E: float = 0.0,
    E_C: float | None = None,
    E_F: float | None = None,
    L: float | None = None,
    L_av: float | None = None,
    U: float | None = None,
    U_av: float | None = None,
) -> MciResult:
    """The MCI of one product (or component) of mass M, with every intermediate term."""
    if M <= 0:
        raise MciInputError("the product mass M must be above zero")
    for name, value in (("F_R", F_R), ("F_U", F_U), ("F_S", F_S), ("C_R", C_R), ("C_U", C_U),
                        ("C_C", C_C), ("C_E", C_E)):
        if not 0 <= value <= 1:
            raise MciInputError(f"{name} must be between 0 and 1 (got {value:g})")
    if F_R + F_U + F_S > 1 + 1e-9 or C_R + C_U + C_C + C_E > 1 + 1e-9:
        raise MciInputError("feedstock or end-of-use fractions add up to more than 1")
    if F_R > 0 and E_F is None:
        raise MciInputError("recycled feedstock (F_R > 0) needs its recycling efficiency E_F")
    if C_R > 0 and E_C is None:
        raise MciInputError("collection for recycling (C_R > 0) needs its efficiency E_C")
    for name, eff in (("E_C", E_C), ("E_F", E_F)):
        if eff is not None and not 0 < eff <= 1:
            raise MciInputError(f"{name} must be above 0 and at most 1 (got {eff:g})")

    V = M * (1 - F_R - F_U - F_S)
    W_0 = M * (1 - C_R - C_U - C_C - C_E)
    W_C = M * (1 - E_C) * C_R if C_R > 0 and E_C is not None else 0.0
    W_F = M * F_R * (1 - E_F) / E_F if F_R > 0 and E_F is not None else 0.0
    W = W_0 + (W_F + W_C) / 2
    LFI = (V + W) / (2 * M + (W_F - W_C) / 2)
    X = utility(L, L_av, U, U_av)
    F_X = UTILITY_CONSTANT / X
    return MciResult(V, W_0, W_C, W_F, W, LFI, X, F_X, max(0.0, 1 - LFI * F_X))


def utility(
    L: float | None = None,
    L_av: float | None = None,
    U: float | None = None,
    U_av: float | None = None,
) -> float:
    """X = (L/L_av)(U/U_av); a missing pair counts as the industry average (ratio 1)."""
    x = 1.0
    if L is not None and L_av is not None:
        if L <= 0 or L_av <= 0:
            raise MciInputError("lifetimes must be above zero")
        x *= L / L_av
    if U is not None and U_av is not None:
        if U <= 0 or U_av <= 0:
            raise MciInputError("intensities of use must be above zero")
        x *= U / U_av
    return x


def recycling_process_efficiency(discarded_input_mass: float, recycled_output_mass: float) -> float:
    """E_F (or E_C): recycled material obtained over the discarded material that went in."""
    if discarded_input_mass <= 0:
        raise MciInputError("the discarded input mass must be above zero")
    return recycled_output_mass / discarded_input_mass
