"""The facade's review helpers: what :meth:`Project.review_sample` and :meth:`Project.judge` check and prepare.

Kept out of the facade so it stays a facade: these functions read the
project (plan, journal, flow), validate, draw the sample and write its file
(:mod:`phasebook.store.reviews`), and return the data the facade journals.
The rules of measuring live in :mod:`phasebook.core.reviews`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from .core.errors import InvalidDecisionError
from .core.events import Actor, Event
from .core.hashing import content_hash
from .core.reviews import ANSWERS, sample_size
from .modeling.sampling import draw
from .store.reviews import REVIEWS_DIR, read_sample, sample_path, valid_sample_id, write_sample
from .core.named_errors import UnknownReviewSampleError

Project = Any  # the facade (phasebook.project) calls these with itself; not imported here (no cycle)

__all__ = ["prepare_sample", "prepare_judgement", "sample_event", "sample_items", "MAX_NOTE"]

MAX_NOTE = 2000


def sample_event(events: Sequence[Event], sample_id: str) -> Event:
    """The ``review_sample`` entry of ``sample_id`` (the id is checked first: it may come from a query string)."""
    valid_sample_id(sample_id)
    found = next((e for e in reversed(events) if e.kind == "review_sample" and e.data.get("sample_id") == sample_id), None)
    if found is None:
        raise UnknownReviewSampleError(sample_id=str(sample_id))
    return found


def sample_items(project: Project, sample_id: str) -> dict[str, Any]:
    """The sample file, checked against the hash its entry journaled."""
    return read_sample(project.root, sample_id, sample_event(project.events(), sample_id).data["file_hash"])


def prepare_sample(
    project: Project, model: str | None, items: Any, *, size: int | None, strata: Any, seed: int,
    columns: Sequence[str], output: Any, id_column: str | None, gate: str, margin: float, confidence: float,
    questions: Mapping[str, str] | None, description: str, source: str,
) -> tuple[dict[str, Any], bool]:
    """Validate, draw and write a sample; return ``(data to journal, new)`` (``new`` False: the same draw exists)."""
    project.flow.gate(gate)
    if items is None or not hasattr(items, "columns"):
        raise InvalidDecisionError(reason="Pass the model's outputs as a DataFrame (items=frame).")
    events = project.events()
    test = None
    if source != "production":
        test = next((e for e in reversed(events) if e.kind == "model_test" and e.data.get("model") == model), None)
        if test is None:
            raise InvalidDecisionError(reason=f"No model test of {model!r} is recorded; test the model first "
                                              "(project.test_model), then draw its review sample.")
    soft = [m for k in project.section("scope").kpis for m in k.metrics if m.hardness == "soft"]
    asked = dict(questions or {m.name: (m.definition or m.name) for m in soft})
    if not asked:
        raise InvalidDecisionError(reason="The scope has no soft metric to judge; add one (hardness: soft) "
                                          "or pass questions={metric: question}.")
    try:
        needed = sample_size(margin, confidence, population=len(items))
    except ValueError as exc:
        raise InvalidDecisionError(reason=str(exc)) from None
    n = int(size) if size is not None else needed
    drawn = draw(items, n, columns=list(columns), output=output, strata=strata, seed=seed, id_column=id_column)
    how = {"method": "stratified" if strata else "simple random", "strata": strata, "seed": seed,
           "population": len(items), "requested": n, "margin": margin, "confidence": confidence,
           "needed_for_margin": needed, "description": description.strip()}
    body = {"gate": gate, "model": model, "source": source, "columns": list(columns),
            "output": [output] if isinstance(output, str) else list(output),
            "questions": [{"metric": k, "question": v} for k, v in asked.items()], "drawn": how, "items": drawn}
    sample_id = f"{gate}-{content_hash(body)[7:19]}"
    existing = next((e for e in events if e.kind == "review_sample" and e.data.get("sample_id") == sample_id), None)
    if existing is not None:
        return dict(existing.data), False  # the same draw again (a re-run notebook): the journaled sample
    project.require_intact(plan=False)
    sample_path(project.root, sample_id).unlink(missing_ok=True)  # a file a killed draw left unjournaled
    path, digest = write_sample(project.root, {"sample_id": sample_id, **body})
    data = {"sample_id": sample_id, "path": f"{REVIEWS_DIR}/{path.name}", "file_hash": digest, "size": len(drawn),
            **{k: v for k, v in body.items() if k != "items"},
            "model_test": {"seq": test.seq, "hash": test.hash, "at": test.at} if test else None}
    return data, True


def prepare_judgement(project: Project, sample_id: str, item: str, metric: str, answer: str, note: str,
                      actor: Actor) -> dict[str, Any]:
    """Validate one judgement against its sample; return the data to journal.

    Raises:
        InvalidDecisionError: an unknown item, metric or answer, or a note over 2,000 characters.
    """
    event = sample_event(project.events(), sample_id)
    sample = read_sample(project.root, sample_id, event.data["file_hash"])
    if answer not in ANSWERS:
        raise InvalidDecisionError(reason=f"Answer {', '.join(ANSWERS)}; {str(answer)[:40]!r} is not one of them.")
    if metric not in {q["metric"] for q in sample["questions"]}:
        raise InvalidDecisionError(reason=f"{str(metric)[:80]!r} is not a question of this review sample.")
    if item not in {i["id"] for i in sample["items"]}:
        raise InvalidDecisionError(reason=f"Item {str(item)[:80]!r} is not in this review sample.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidDecisionError(reason=f"Keep the note under {MAX_NOTE:,} characters.")
    if actor.role is not None:
        project.flow.check_role(actor.role)
    return {"sample_id": sample_id, "file_hash": event.data["file_hash"], "gate": sample["gate"], "item": item,
            "metric": metric, "answer": answer, "note": note}
