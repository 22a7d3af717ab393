"""Structural metrics of the district's exchange network (who supplies whom).

Nodes are the district's firms (N); links are distinct ordered supplier -> receiver pairs with at
least one exchange in place (L). Conventions (stated because the literature differs):

- linkage density L / N (Layton, Bras & Weissburg 2016);
- connectance L / (N (N - 1)), no self-loops (Hardy & Graedel 2002 report 0.5-0.6 with their own
  normalisation; Layton uses L / N^2, so values are not directly comparable);
- cyclicity: the spectral radius of the binary adjacency matrix (Layton et al. 2016): 0 when no
  exchange closes a loop, 1 for simple cycles, above 1 for complex cycling.

The spectral radius of a directed graph is the largest over its strongly connected components, so
it is computed component by component: the exchange network is sparse and its components small,
which keeps this fast for a region's worth of firms.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np

from ecodistrict.indicators.values import IndicatorValue


def spectral_radius(links: Iterable[tuple[str, str]]) -> float:
    """Largest absolute eigenvalue of the binary adjacency matrix of the links."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from((a, b) for a, b in links if a != b)
    radius = 0.0
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        position = {node: i for i, node in enumerate(sorted(component))}
        matrix = np.zeros((len(position), len(position)))
        for a, b in graph.subgraph(component).edges():
            matrix[position[a], position[b]] = 1.0
        radius = max(radius, float(np.max(np.abs(np.linalg.eigvals(matrix)))))
    return radius


def exchange_network_metrics(
    node_count: int, links: set[tuple[str, str]]
) -> dict[str, IndicatorValue]:
    """N, L, L/N, connectance and cyclicity of the exchange network."""
    link_count = len(links)
    values = {
        "network_nodes": IndicatorValue(float(node_count)),
        "network_links": IndicatorValue(float(link_count)),
    }
    if node_count == 0:
        reason = "no firms in the district"
        values["link_density"] = IndicatorValue(None, reason)
        values["connectance"] = IndicatorValue(None, reason)
        values["cyclicity"] = IndicatorValue(None, reason)
        return values
    values["link_density"] = IndicatorValue(
        link_count / node_count, None, float(link_count), float(node_count)
    )
    if node_count < 2:
        values["connectance"] = IndicatorValue(None, "fewer than 2 firms: no possible link")
    else:
        possible = float(node_count * (node_count - 1))
        values["connectance"] = IndicatorValue(
            link_count / possible, None, float(link_count), possible
        )
    values["cyclicity"] = IndicatorValue(round(spectral_radius(links), 12))
    return values
