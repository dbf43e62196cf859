"""Funnel plots: units compared at one period, allowing for their sizes (Spiegelhalter's method).

Each unit's figure is a numerator over a denominator: a proportion (breaches over attendances; the
numerator at most the denominator) or a rate (a count over an exposure, or observed over expected
deaths). The target is the overall figure, sum(numerators) / sum(denominators). Every unit is
placed on a variance-stabilising scale, as Spiegelhalter's "Handling over-dispersion of
performance indicators" (Qual Saf Health Care 2005;14:347) and the NHS-R FunnelPlotR
package (``data_type = "PR"``; the CQC square-root method for ratios) do:

* proportion: ``y = asin(sqrt(x / n))``, target ``asin(sqrt(t))``, standard error ``1 / (2 sqrt(n))``;
* rate: ``y = sqrt(x / n)``, target ``sqrt(t)``, standard error ``1 / (2 sqrt(n))``.

On that scale a unit's z-score is ``(y - target) / s``; the 95% and 99.8% limits at size ``n`` are
the target ± 1.96 and ± 3.09 standard errors, transformed back (clipped to the scale's range, so a
proportion's limits stay within 0 and 1 and are monotone in ``n``). The transformation keeps the
limits honest for small units and for proportions near 0 or 1, where the plain normal
approximation ``t ± z sqrt(t (1 - t) / n)`` runs outside the possible range; for the large
denominators of national data the two agree closely.

Over-dispersion (Spiegelhalter 2005, QSHC): the z-scores are Winsorised at their 10% and 90%
quantiles (R's default quantile, type 7), ``phi = sum(z_w^2) / n``, and with weights
``w = 1 / s^2`` the additive random-effects variance is
``tau2 = (n phi - (n - 1)) / (sum(w) - sum(w^2) / sum(w))``, 0 when that is negative. As FunnelPlotR
does, the limits are widened — ``target ± z sqrt(s^2 + tau2)`` — only when ``phi > 1``.

Pure NumPy; every unit in one vectorised pass. Bad input raises :class:`FunnelError` naming the
unit and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["KINDS", "TRIM", "Z95", "Z998", "Funnel", "FunnelError", "funnel", "limits"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

Z95 = 1.959963984540054  # the standard normal's 97.5% quantile: two-sided 95%
Z998 = 3.090232306167813  # its 99.9% quantile: two-sided 99.8%
TRIM = 0.1  # Winsorised at the 10% and 90% quantiles, FunnelPlotR's default trim_by
KINDS = ("proportion", "rate")


class FunnelError(ValueError):
    """Input a funnel cannot be drawn from; the message names the unit and what to do."""


@dataclass(frozen=True)
class Funnel:
    """One funnel: per unit (in the order given) its figures, limits at its size and flags."""

    kind: str
    numerators: Floats
    denominators: Floats
    values: Floats  # numerator / denominator
    target: float  # sum(numerators) / sum(denominators)
    z: Floats  # Spiegelhalter's z-score on the transformed scale, before any adjustment
    z_adjusted: Floats  # against the limits in force: (y - target) / sqrt(s^2 + tau2)
    phi: float  # the over-dispersion ratio from the Winsorised z-scores
    tau2: float  # the between-unit variance on the transformed scale (0 if none)
    adjusted: bool  # the limits are widened for over-dispersion (phi > 1)
    winsor_low: float  # the z-scores' 10% quantile
    winsor_high: float  # their 90% quantile
    lower95: Floats
    upper95: Floats
    lower998: Floats
    upper998: Floats

    @property
    def outside95(self) -> Bools:
        return (self.values < self.lower95) | (self.values > self.upper95)

    @property
    def outside998(self) -> Bools:
        return (self.values < self.lower998) | (self.values > self.upper998)

    def limits_at(self, sizes: npt.ArrayLike) -> tuple[Floats, Floats, Floats, Floats]:
        """The limits in force at any sizes (to draw the funnel's curves)."""
        return limits(self.kind, self.target, np.asarray(sizes, dtype=float), self.tau2 if self.adjusted else 0.0)


def _forward(kind: str, x: Floats) -> Floats:
    return np.arcsin(np.sqrt(np.clip(x, 0.0, 1.0))) if kind == "proportion" else np.sqrt(x)


def _back(kind: str, y: Floats) -> Floats:
    if kind == "proportion":
        return np.asarray(np.sin(np.clip(y, 0.0, np.pi / 2)) ** 2, dtype=float)
    return np.asarray(np.clip(y, 0.0, None) ** 2, dtype=float)


def limits(kind: str, target: float, sizes: Floats, tau2: float = 0.0) -> tuple[Floats, Floats, Floats, Floats]:
    """(lower 95%, upper 95%, lower 99.8%, upper 99.8%) around ``target`` at each size."""
    centre = float(_forward(kind, np.array([target]))[0])
    with np.errstate(divide="ignore"):
        spread = np.sqrt(1.0 / (4.0 * sizes) + tau2)
    return (
        _back(kind, centre - Z95 * spread),
        _back(kind, centre + Z95 * spread),
        _back(kind, centre - Z998 * spread),
        _back(kind, centre + Z998 * spread),
    )


def _name(units: Sequence[str] | None, i: int) -> str:
    return f"unit {units[i]!r}" if units is not None else f"unit {i + 1}"


def _check(kind: str, x: Floats, n: Floats, units: Sequence[str] | None) -> None:
    if kind not in KINDS:
        raise FunnelError(f"'{kind}' is not a kind of funnel; use one of: {', '.join(KINDS)}")
    if x.shape != n.shape or x.ndim != 1:
        raise FunnelError("numerators and denominators must be two lists of the same length")
    if x.size == 0:
        raise FunnelError("no units to compare; a funnel needs at least one unit with a denominator above 0")
    problems = [
        (~np.isfinite(x), "its numerator is missing or not a number; give a count of 0 or more"),
        (~np.isfinite(n), "its denominator is missing or not a number; give a size above 0"),
        (np.isfinite(x) & (x < 0), "its numerator is below 0; a count cannot be negative"),
        (np.isfinite(n) & (n <= 0), "its denominator is not above 0; leave the unit out or correct its size"),
    ]
    if kind == "proportion":
        problems.append(
            (
                np.isfinite(x) & np.isfinite(n) & (x > n),
                "its numerator is above its denominator; a proportion's count is part of its total",
            )
        )
    for bad, message in problems:
        where = np.flatnonzero(bad)
        if where.size:
            i = int(where[0])
            more = f" (and {where.size - 1} more)" if where.size > 1 else ""
            raise FunnelError(f"{_name(units, i)}: {message}{more}")


def _tau2(n_units: int, phi: float, weights: Floats) -> float:
    """Spiegelhalter's additive random-effects variance (QSHC 2005, eq. for tau^2); 0 if negative."""
    total = float(weights.sum())
    spread = total - float((weights**2).sum()) / total
    if n_units < 2 or spread <= 0:
        return 0.0
    return max(0.0, (n_units * phi - (n_units - 1)) / spread)


def funnel(
    numerators: npt.ArrayLike,
    denominators: npt.ArrayLike,
    kind: str = "proportion",
    *,
    units: Sequence[str] | None = None,
    trim: float = TRIM,
) -> Funnel:
    """The funnel of every unit at once; ``units`` only names units in messages."""
    x = np.asarray(numerators, dtype=float)
    n = np.asarray(denominators, dtype=float)
    _check(kind, x, n, units)
    target = float(x.sum() / n.sum())
    values = x / n
    y = _forward(kind, values)
    centre = float(_forward(kind, np.array([target]))[0])
    s = 1.0 / (2.0 * np.sqrt(n))
    z = (y - centre) / s
    low, high = (float(q) for q in np.quantile(z, [trim, 1.0 - trim]))
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    tau2 = _tau2(z.size, phi, 1.0 / s**2)
    adjusted = phi > 1.0 and tau2 > 0.0
    in_force = tau2 if adjusted else 0.0
    z_adjusted = (y - centre) / np.sqrt(s**2 + in_force)
    # in the order of the fields: the figures, the z-scores, the over-dispersion, the limits
    return Funnel(
        kind, x, n, values, target, z, z_adjusted, phi, tau2, adjusted, low, high, *limits(kind, target, n, in_force)
    )
