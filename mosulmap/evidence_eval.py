"""Does weighing the evidence forecast better than the latest-claim rule? Scored, not asserted.

Every claim that names a place (relays left out) and has an earlier-day claim on that place is
forecast only from claims on earlier days (prequential, Dawid 1984), with parameters fitted
without the place (leave one place out). Four forecasters of the state the claim reports:

* the latest-claim rule: all probability on the latest earlier state;
* the rule softened toward base rates: ``w`` on it, ``1 - w`` on the base rates (``w`` fitted on
  the other places);
* base rates: how often claims on the other places report each state;
* the model: the filtered state one day ahead, through the claim's evidence class.

Scores: Brier (sum over the three states), log loss, ranked probability score (the states are
ordered gov < contested < IS), a reliability table of five bins, and a bootstrap 95 % interval of
the Brier and log-loss differences model − softened rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mosulmap.evidence import STATES, Observations, _log_b, fit, forward_backward, observations

FORECASTERS = ("rule", "softened rule", "base rates", "model")


@dataclass
class StateEvaluation:
    campaign: str
    forecasts: int
    places: int
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    reliability: list[tuple[float, float, float, int]] = field(default_factory=list)  # bin low, predicted, observed, n
    brier_diff: tuple[float, float, float] = (0.0, 0.0, 0.0)  # model − softened: mean, 2.5 %, 97.5 %
    log_loss_diff: tuple[float, float, float] = (0.0, 0.0, 0.0)
    softening: float = 0.0

    @property
    def model_wins(self) -> bool:
        """The acceptance rule: better Brier and log loss, the Brier interval excludes 0, and every
        reliability bin with 10 or more forecasts within ±0.10."""
        m, s = self.scores["model"], self.scores["softened rule"]
        calibrated = all(abs(p - o) <= 0.10 for _, p, o, n in self.reliability if n >= 10)
        return m["brier"] < s["brier"] and m["log_loss"] < s["log_loss"] and self.brier_diff[2] < 0 and calibrated

    def report(self) -> str:
        lines = [f"{self.campaign}: {self.forecasts} claims forecast on {self.places} places (prequential, "
                 f"leave one place out; relays counted once)",
                 f"{'forecaster':<14} {'Brier':>7} {'log loss':>9} {'RPS':>7}"]
        for name in FORECASTERS:
            s = self.scores[name]
            lines.append(f"{name:<14} {s['brier']:7.3f} {s['log_loss']:9.3f} {s['rps']:7.3f}")
        lines.append(f"softened rule weight on the latest claim: {self.softening:.2f}")
        lines.append("model − softened rule: Brier {:+.3f} [{:+.3f}, {:+.3f}], log loss {:+.3f} [{:+.3f}, {:+.3f}]"
                     .format(*self.brier_diff, *self.log_loss_diff))
        lines.append("reliability of the model (all three states' probabilities pooled):")
        lines += [f"  {low:.1f}–{low + 0.2:.1f}: predicted {p:.3f}, observed {o:.3f}, n {n}"
                  for low, p, o, n in self.reliability]
        lines.append("the model " + ("beats" if self.model_wins else "does NOT beat") +
                     " the softened rule by the acceptance rule")
        return "\n".join(lines)


def _scores(probs: np.ndarray, outcome: np.ndarray) -> dict[str, np.ndarray]:
    onehot = np.eye(3)[outcome]
    clipped = np.clip(probs, 1e-6, 1.0)
    clipped = clipped / clipped.sum(axis=1, keepdims=True)
    return {"brier": ((probs - onehot) ** 2).sum(axis=1),
            "log_loss": -np.log(clipped[np.arange(len(outcome)), outcome]),
            "rps": ((np.cumsum(probs, axis=1) - np.cumsum(onehot, axis=1)) ** 2)[:, :2].sum(axis=1) / 2}


def _targets(obs: Observations) -> list[int]:
    """Observation indices to forecast: a place's own claim with an earlier-day claim on the place."""
    first = {}
    for i in np.argsort(obs.day, kind="stable"):
        first.setdefault(obs.place[i], obs.day[i])
    return [i for i in range(len(obs.place)) if obs.own[i] and obs.day[i] > first[obs.place[i]]]


def _latest(obs: Observations, i: int) -> np.ndarray:
    """The latest-claim rule for observation i: the states of the latest earlier day's claims."""
    earlier = np.flatnonzero((obs.place == obs.place[i]) & (obs.day < obs.day[i]))
    day = obs.day[earlier].max()
    said = obs.said[earlier[obs.day[earlier] == day]]
    return np.bincount(said, minlength=3) / len(said)


def evaluate_states(timeline, campaign: str = "", iterations: int = 10, bootstrap: int = 2000,
                    seed: int = 0) -> StateEvaluation:
    obs = observations(timeline)
    targets = _targets(obs)
    default = timeline.initial.value
    by_place: dict[int, list[int]] = {}
    for i in targets:
        by_place.setdefault(int(obs.place[i]), []).append(i)
    outcome = obs.said[targets]
    probs = {name: np.zeros((len(targets), 3)) for name in FORECASTERS}
    row = {i: k for k, i in enumerate(targets)}
    weights = []
    everyone = np.arange(len(obs.places))
    for place, items in sorted(by_place.items()):
        others = everyone[everyone != place]
        model = fit(obs, default, iterations, places=others)
        mask = obs.place == place
        log_b = _log_b(obs, model.emission, mask)[place:place + 1]
        alpha, _, _ = forward_backward(model, log_b, smooth=False)
        train = [i for i in targets if obs.place[i] != place]
        base = np.bincount(obs.said[train], minlength=3) + 1.0
        base /= base.sum()
        rules = np.array([_latest(obs, i) for i in train])
        truth = obs.said[train]
        grid = np.linspace(0.05, 0.95, 19)
        losses = [_scores(w * rules + (1 - w) * base, truth)["log_loss"].mean() for w in grid]
        w = float(grid[int(np.argmin(losses))])
        weights.append(w)
        for i in items:
            k, t = row[i], int(obs.day[i])
            rule = _latest(obs, i)
            ahead = alpha[0, t - 1] @ model.transition
            probs["rule"][k] = rule
            probs["softened rule"][k] = w * rule + (1 - w) * base
            probs["base rates"][k] = base
            probs["model"][k] = ahead @ model.emission[obs.cls[i]]
    result = StateEvaluation(campaign, len(targets), len(by_place), softening=float(np.mean(weights)) if weights else 0)
    per = {name: _scores(p, outcome) for name, p in probs.items()}
    result.scores = {name: {k: float(v.mean()) for k, v in s.items()} for name, s in per.items()}
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(targets), size=(bootstrap, len(targets)))
    for key, attr in (("brier", "brier_diff"), ("log_loss", "log_loss_diff")):
        diff = per["model"][key] - per["softened rule"][key]
        means = diff[picks].mean(axis=1)
        setattr(result, attr, (float(diff.mean()), float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))))
    predicted = probs["model"].ravel()
    observed = np.eye(3)[outcome].ravel()
    for low in np.arange(0, 1, 0.2):
        inside = (predicted >= low) & ((predicted < low + 0.2) | (low >= 0.8))
        if inside.any():
            result.reliability.append((float(low), float(predicted[inside].mean()), float(observed[inside].mean()),
                                       int(inside.sum())))
    return result


__all__ = ["FORECASTERS", "STATES", "StateEvaluation", "evaluate_states"]
