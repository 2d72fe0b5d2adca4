"""The labelling round trip: tasks out to an annotation tool, labels back in as training data.

* :func:`export_tasks` writes passages (what ``model.suggest()`` proposes, or any passages) with the
  model's frames and stances as pre-annotations: as Label Studio tasks (its JSON import format,
  the pre-annotations under ``predictions``) or as a CSV for spreadsheets (the proposal in a
  ``frames`` column to correct, ``framing.read_csv`` reads it back).
* :func:`label_studio_config` is the labelling interface those tasks expect: the frames as
  multiple choice, and for each chosen frame its stance (the names ``frames`` and
  ``stance_<frame id>`` are the ones both functions and :func:`read_label_studio` use).
* :func:`read_label_studio` reads Label Studio's JSON export; :func:`read_doccano` reads doccano's
  JSONL export of a text-classification project (labels ``frame`` or ``frame:stance``). Both return
  :class:`~framing.readers.LabelledData` and check records the way the other readers do: a
  malformed record raises ``LabelError`` naming the file, the task or line and the record.

Formats as documented by the tools: Label Studio, "Import pre-annotated data" and "Export
annotations" (``labelstud.io/guide/predictions``, ``labelstud.io/guide/export``; a task is
``{"data": {...}, "annotations": [{"result": [...], "was_cancelled": ..., "completed_by": ...}],
"predictions": [...]}``, a choice result ``{"from_name", "to_name", "type": "choices", "value":
{"choices": [...]}}``); doccano, its export examples for text classification (``{"id", "text",
"label": ["..."]}`` per line; one ``<user>.jsonl`` per annotator in a zip when the project is not
collaborative).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any, Sequence
from xml.sax.saxutils import quoteattr

from .codebooks import DEFAULT_STANCES, load_codebook
from .errors import InputTypeError, LabelError
from .readers import LabelledData, _check_text, _existing_file, _Ids, _label, _parse_items

__all__ = ["export_tasks", "label_studio_config", "read_label_studio", "read_doccano", "FRAMES_CONTROL",
           "STANCE_PREFIX"]

FRAMES_CONTROL = "frames"
STANCE_PREFIX = "stance_"
_FORMATS = ("auto", "label-studio", "csv")


# ------------------------------------------------------------------------------------------
# Out: tasks with pre-annotations
# ------------------------------------------------------------------------------------------

def label_studio_config(codebook: Any = None) -> str:
    """The Label Studio labelling interface (XML) for a codebook's frames and stances.

    The frames are a multiple choice named ``frames``; each frame's stance is a single choice
    named ``stance_<frame id>``, shown when the frame is chosen. Paste it into the project's
    *Labeling Interface* (Code view).

    Examples
    --------
    >>> xml = label_studio_config({"name": "mine", "frames": [{"id": "economy", "name": "Economy"}],
    ...                            "stances": [{"id": "endorsed"}, {"id": "disputed"}]})
    >>> print(xml)  # doctest: +NORMALIZE_WHITESPACE
    <View>
      <Header value="Frames of the passage (codebook mine)"/>
      <Text name="text" value="$text"/>
      <Choices name="frames" toName="text" choice="multiple">
        <Choice value="economy" hint="Economy"/>
      </Choices>
      <View visibleWhen="choice-selected" whenTagName="frames" whenChoiceValue="economy">
        <Header value="Stance toward Economy" size="6"/>
        <Choices name="stance_economy" toName="text" choice="single-radio" showInline="true">
          <Choice value="endorsed"/>
          <Choice value="disputed"/>
        </Choices>
      </View>
    </View>
    """
    cb = load_codebook(codebook)
    lines = ["<View>", f"  <Header value={quoteattr(f'Frames of the passage (codebook {cb.name})')}/>",
             '  <Text name="text" value="$text"/>', f'  <Choices name="{FRAMES_CONTROL}" toName="text" choice="multiple">']
    for f in cb.frames:
        hint = f.definition or f.name
        lines.append(f"    <Choice value={quoteattr(f.id)}" + (f" hint={quoteattr(hint)}" if hint else "") + "/>")
    lines.append("  </Choices>")
    for f in cb.frames if cb.stance_ids else ():
        lines += [f'  <View visibleWhen="choice-selected" whenTagName="{FRAMES_CONTROL}" whenChoiceValue={quoteattr(f.id)}>',
                  f"    <Header value={quoteattr('Stance toward ' + (f.name or f.id))} size=\"6\"/>",
                  f'    <Choices name={quoteattr(STANCE_PREFIX + f.id)} toName="text" choice="single-radio" showInline="true">']
        lines += [f"      <Choice value={quoteattr(s)}/>" for s in cb.stance_ids]
        lines += ["    </Choices>", "  </View>"]
    lines.append("</View>")
    return "\n".join(lines)


def _items(items: Any, model: Any, ids: Sequence[Any] | None) -> list[tuple[Any, str, Any, dict[str, Any]]]:
    """(id, text, result, extra fields) of each item to export."""
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__") or isinstance(items, dict):
        raise InputTypeError("export_tasks expects a list of Suggestion (model.suggest), PassageResult or str; "
                             f"got {type(items).__name__}")
    items = list(items)
    if ids is not None and len(ids) != len(items):
        raise InputTypeError(f"got {len(ids)} ids for {len(items)} items; give one id per item")
    texts, extras = [], []
    for k, item in enumerate(items):
        if isinstance(item, str):
            texts.append(item)
            extras.append({})
        elif hasattr(item, "reason") and hasattr(item, "index") and isinstance(getattr(item, "text", None), str):
            texts.append(item.text)
            extras.append({"reason": item.reason, "suggestion_score": round(float(item.score), 6), "index": item.index})
        elif hasattr(item, "labels") and hasattr(item, "frames") and isinstance(getattr(item, "text", None), str):
            texts.append(item.text)
            extras.append({})
        else:
            raise InputTypeError(f"item {k}: expected a Suggestion, a PassageResult or a str; got {type(item).__name__}")
    to_classify = [k for k, item in enumerate(items) if not hasattr(item, "frames")]
    results: list[Any] = [item if hasattr(item, "frames") else None for item in items]
    if to_classify:
        if model is None:
            from .api import default_model

            model = default_model()
        for k, r in zip(to_classify, model.classify([texts[k] for k in to_classify])):
            results[k] = r
    out = []
    for k, (text, result, extra) in enumerate(zip(texts, results, extras)):
        record_id = ids[k] if ids is not None else extra.get("index", k)
        out.append((record_id, text, result, extra))
    return out


def _confidence(result: Any) -> float:
    """How sure the model is of its whole label set: the lowest, over frames, of the probability
    of its decision (``score`` when labelled, ``1 - score`` when not)."""
    return min((p.score if p.frame in result.labels else 1.0 - p.score for p in result.frames), default=1.0)


def _scores(result: Any) -> str:
    """Every frame's score, best first: ``"repression 0.91; popular_revolt 0.12; ..."``."""
    return "; ".join(f"{p.frame} {p.score:.2f}" for p in sorted(result.frames, key=lambda p: -p.score))


def _proposal(result: Any) -> dict[str, str | None]:
    return {f: result[f].stance for f in result.labels}


def export_tasks(items: Any, path: str | Path | None = None, *, format: str = "auto", model: Any = None,
                 ids: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """Passages to label, with the model's frames and stances as pre-annotations.

    Parameters
    ----------
    items : list of Suggestion, PassageResult or str
        What ``model.suggest()`` proposes (each suggestion's reason and score go along), results
        of ``classify``, or plain passages (classified here).
    path : str or path, optional
        Where to write; ``None`` only returns the tasks.
    format : {"auto", "label-studio", "csv"}, default="auto"
        ``"label-studio"``: a JSON list of Label Studio tasks, ``{"data": {"text", "id", ...},
        "predictions": [{"model_version", "score", "result": [...]}]}``, for *Import* in a
        project whose interface is :func:`label_studio_config`. ``"csv"``: one row per passage,
        ``id, text, frames, model_frames, model_scores, reason, suggestion_score``, where
        ``frames`` holds the proposal (``frame:stance;frame:stance``) for the annotator to correct
        and ``framing.read_csv`` reads back. ``"auto"``: by the extension of ``path`` (``.csv``,
        else Label Studio).
    model : FrameClassifier, optional
        Classifies the items that are not results yet (default: the shipped model).
    ids : list, optional
        Record ids (default: a suggestion's ``index`` in the pool, else the position).

    Returns
    -------
    list of dict
        The Label Studio tasks (also for ``format="csv"``, which writes the same content as rows).

    Examples
    --------
    >>> import framing
    >>> tasks = export_tasks(["Riot police beat the students."])
    >>> tasks[0]["data"]["text"], tasks[0]["predictions"][0]["result"][0]["value"]
    ('Riot police beat the students.', {'choices': ['repression']})
    >>> tasks[0]["predictions"][0]["result"][1]["from_name"], tasks[0]["predictions"][0]["result"][1]["value"]
    ('stance_repression', {'choices': ['endorsed']})
    """
    if format not in _FORMATS:
        raise ValueError(f"format must be one of {_FORMATS}; got {format!r}")
    fmt = format if format != "auto" else ("csv" if path is not None and str(path).lower().endswith(".csv")
                                          else "label-studio")
    records = _items(items, model, ids)
    from . import __version__

    tasks = []
    for k, (record_id, text, result, extra) in enumerate(records):
        results = [{"id": f"t{k}-frames", "from_name": FRAMES_CONTROL, "to_name": "text", "type": "choices",
                    "value": {"choices": list(result.labels)}}] if result.labels else []
        results += [{"id": f"t{k}-stance-{n}", "from_name": STANCE_PREFIX + f, "to_name": "text", "type": "choices",
                     "value": {"choices": [result[f].stance]}} for n, f in enumerate(result.labels) if result[f].stance]
        data = {"text": text, "id": record_id, **{key: v for key, v in extra.items() if key != "index"}}
        data["model_scores"] = _scores(result)
        tasks.append({"data": data, "predictions": [{"model_version": f"framing {__version__}",
                                                     "score": round(_confidence(result), 6), "result": results}]})
    if path is not None:
        p = Path(path)
        if fmt == "label-studio":
            p.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        else:
            p.write_text(_csv(records), encoding="utf-8")
    return tasks


def _csv(records: list[tuple[Any, str, Any, dict[str, Any]]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "text", "frames", "model_frames", "model_scores", "reason", "suggestion_score"])
    for record_id, text, result, extra in records:
        proposal = ";".join(f"{f}:{s}" if s else f for f, s in _proposal(result).items())
        writer.writerow([record_id, text, proposal, proposal, _scores(result), extra.get("reason", ""),
                         extra.get("suggestion_score", "")])
    return buf.getvalue()


# ------------------------------------------------------------------------------------------
# In: Label Studio's JSON export
# ------------------------------------------------------------------------------------------

def _annotator(annotation: dict[str, Any]) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):  # older exports: {"id": 1, "email": "..."}
        who = who.get("email") or who.get("id")
    return str(who)


def read_label_studio(path: str | Path, *, text_field: str = "text", id_field: str = "id",
                      frames_name: str = FRAMES_CONTROL, stance_prefix: str = STANCE_PREFIX,
                      annotator: Any = None, skip_unlabelled: bool = False) -> LabelledData:
    """Read the labels of a Label Studio JSON export (*Export* -> *JSON*) as training data.

    Parameters
    ----------
    path : str or path
        The exported file: a JSON list of tasks.
    text_field, id_field : str
        Keys in each task's ``data`` of the passage and of its record id (default: ``"text"`` and
        ``"id"``, as :func:`export_tasks` writes them; without an id in ``data``, the task's own
        id is used).
    frames_name, stance_prefix : str
        Names of the frames control and the prefix of the stance controls
        (:func:`label_studio_config`).
    annotator : int or str, optional
        Read only this annotator's annotations (``completed_by``: a user id, or an email in
        older exports). Needed when a task has several completed annotations.
    skip_unlabelled : bool, default=False
        Leave out tasks without a completed annotation instead of refusing them.

    Returns
    -------
    LabelledData
        Labels are mappings frame -> stance (``None`` where no stance was chosen), or lists of
        frames when the export has no stances at all. Predictions are never read.

    Raises
    ------
    LabelError
        Not a list of tasks, a task without its text, a task with no or several completed
        annotations, a stance without its frame, several stances for one frame, a duplicate id,
        or no result from ``frames_name`` anywhere in the file; each names the file and the task.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.json"
    >>> task = {"id": 7, "data": {"text": "Police beat students.", "id": "a"}, "annotations": [
    ...     {"completed_by": 1, "was_cancelled": False, "result": [
    ...         {"from_name": "frames", "to_name": "text", "type": "choices", "value": {"choices": ["repression"]}},
    ...         {"from_name": "stance_repression", "to_name": "text", "type": "choices",
    ...          "value": {"choices": ["endorsed"]}}]}]}
    >>> _ = p.write_text(json.dumps([task]))
    >>> data = read_label_studio(p)
    >>> data.ids, data.labels
    (['a'], [{'repression': 'endorsed'}])
    """
    path = _existing_file(path, "Label Studio export")
    try:
        tasks = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise LabelError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(tasks, list):
        raise LabelError(f"{path}: expected a JSON list of tasks (Label Studio's JSON export); got "
                         f"{type(tasks).__name__}")
    texts: list[str] = []
    labels: list[Any] = []
    ids = _Ids()
    controls: set[str] = set()
    any_frames = any_stance = False
    for n, task in enumerate(tasks):
        where = f"{path}, task {n}"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise LabelError(f"{where}: expected a task object with a 'data' object; got "
                             f"{type(task).__name__ if not isinstance(task, dict) else sorted(task)}")
        data = task["data"]
        record_id = data.get(id_field, task.get("id", f"{path.name}:{n}"))
        where += f" (id {record_id!r})"
        if text_field not in data:
            raise LabelError(f"{where}: missing field {text_field!r} in 'data'; it has {sorted(data)}")
        annotations = task.get("annotations") or []
        if not isinstance(annotations, list):
            raise LabelError(f"{where}: 'annotations' must be a list; got {type(annotations).__name__}")
        done = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
        if annotator is not None:
            done = [a for a in done if _annotator(a) == str(annotator)]
        if not done:
            if skip_unlabelled:
                continue
            whose = f" by annotator {annotator!r}" if annotator is not None else ""
            raise LabelError(f"{where}: no completed annotation{whose}; label the task, or pass "
                             "skip_unlabelled=True to leave such tasks out")
        if len(done) > 1:
            raise LabelError(f"{where}: {len(done)} completed annotations (by {sorted({_annotator(a) for a in done})}); "
                             "pass annotator= to read one annotator's labels")
        result = done[0].get("result") or []
        if not isinstance(result, list):
            raise LabelError(f"{where}: an annotation's 'result' must be a list; got {type(result).__name__}")
        frames: list[str] | None = None
        stances: dict[str, str] = {}
        for r in result:
            if not isinstance(r, dict) or r.get("type") != "choices":
                continue  # regions, text areas, ratings...: not labels of framing
            name = r.get("from_name")
            choices = (r.get("value") or {}).get("choices")
            controls.add(str(name))
            if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
                raise LabelError(f"{where}: the choices of {name!r} must be a list of strings; got {choices!r}")
            if name == frames_name:
                frames = (frames or []) + [c for c in choices if c not in (frames or [])]
            elif isinstance(name, str) and name.startswith(stance_prefix):
                frame = name[len(stance_prefix):]
                if len(choices) != 1:
                    raise LabelError(f"{where}: frame {frame!r} has {len(choices)} stances {choices!r}; choose one")
                if frame in stances and stances[frame] != choices[0]:
                    raise LabelError(f"{where}: frame {frame!r} has two stance results ({stances[frame]!r} and "
                                     f"{choices[0]!r}); keep one")
                stances[frame] = choices[0]
        any_frames |= frames is not None
        frames = frames or []
        stray = [f for f in stances if f not in frames]
        if stray:
            raise LabelError(f"{where}: a stance is given for {stray[0]!r}, which is not among the chosen frames "
                             f"{frames}; choose the frame or clear its stance")
        any_stance |= bool(stances)
        ids.add(record_id, where)
        texts.append(_check_text(data[text_field], where, text_field))
        labels.append(_label({f: stances.get(f) for f in frames}, where, frames_name))
    if tasks and not any_frames and controls:
        raise LabelError(f"{path}: no result from the control {frames_name!r}; the export has choices from "
                         f"{sorted(controls)}; pass frames_name= (and stance_prefix=) to match the labelling interface")
    if not any_stance:
        labels = [list(label) for label in labels]
    return LabelledData(texts, labels, ids.ids, None)


# ------------------------------------------------------------------------------------------
# In: doccano's JSONL export
# ------------------------------------------------------------------------------------------

def read_doccano(path: str | Path, *, text_field: str = "text", labels_field: str = "label", id_field: str = "id",
                 user: str | None = None, stances: Sequence[str] | None = None) -> LabelledData:
    """Read a doccano text-classification export (*Export Dataset* -> JSONL) as training data.

    Parameters
    ----------
    path : str or path
        The ``.jsonl`` file (one ``{"id", "text", "label": [...]}`` per line, as doccano writes
        it), or the ``.zip`` doccano writes for a project without collaborative annotation, which
        holds one ``<user>.jsonl`` per annotator.
    text_field, labels_field, id_field : str
        Keys of the text, the labels (``"label"``; ``"cats"`` in intent-detection projects) and the
        record id.
    user : str, optional
        With a zip of several annotators: whose file to read.
    stances : list of str, optional
        Stance ids recognised after a colon in a label (default: the default codebook's
        ``endorsed``, ``reported``, ``disputed``). Each label is a category of the project:
        ``frame`` or ``frame:stance``.

    Returns
    -------
    LabelledData

    Raises
    ------
    LabelError
        A line that is not a JSON object, a missing or empty text, labels that are not a list of
        strings (a sequence-labelling export with ``[start, end, label]`` spans is named as such),
        one frame with two stances, a duplicate id; each names the file and line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "admin.jsonl"
    >>> _ = p.write_text('{"id": 1, "text": "Police beat students.", "label": ["repression:endorsed"]}\\n'
    ...                  '{"id": 2, "text": "Prices rose.", "label": []}\\n')
    >>> read_doccano(p).labels
    [{'repression': 'endorsed'}, []]
    """
    path = _existing_file(path, "doccano export")
    stance_ids = tuple(DEFAULT_STANCES if stances is None else stances)
    name, lines = _doccano_lines(path, user)
    texts: list[str] = []
    labels: list[Any] = []
    ids = _Ids()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}, line {n}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise LabelError(f"{where}: not valid JSON ({exc})") from None
        if not isinstance(record, dict):
            raise LabelError(f"{where}: expected a JSON object, got {type(record).__name__}")
        record_id = record.get(id_field, f"{Path(name).name}:{n}")
        where += f" (id {record_id!r})"
        for key in (text_field, labels_field):
            if key not in record:
                raise LabelError(f"{where}: missing field {key!r}; the record has {sorted(record)}")
        raw = record[labels_field]
        if isinstance(raw, list) and any(isinstance(x, list) for x in raw):
            raise LabelError(f"{where}: {labels_field!r} holds spans ([start, end, label]): this is a sequence-labelling "
                             "export; read_doccano reads text-classification projects (one label list per text)")
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise LabelError(f"{where}: {labels_field!r} must be a list of labels (strings); got {raw!r}")
        ids.add(record_id, where)
        texts.append(_check_text(record[text_field], where, text_field))
        labels.append(_parse_items(raw, where, stance_ids) if raw else [])
    return LabelledData(texts, labels, ids.ids, None)


def _doccano_lines(path: Path, user: str | None) -> tuple[str, list[str]]:
    """The file name to report and the lines of the export (one annotator's file of a zip)."""
    if not zipfile.is_zipfile(path):
        if user is not None:
            raise LabelError(f"{path}: user= picks an annotator's file in doccano's zip export; this is one file")
        try:
            return str(path), path.read_bytes().decode("utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            raise LabelError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    with zipfile.ZipFile(path) as z:
        members = {Path(m).stem: m for m in z.namelist() if m.endswith(".jsonl")}
        if not members:
            raise LabelError(f"{path}: a zip without .jsonl files; expected doccano's export (one <user>.jsonl each)")
        if user is None and len(members) > 1:
            raise LabelError(f"{path}: holds the labels of {len(members)} annotators ({', '.join(sorted(members))}); "
                             "pass user= to read one of them")
        key = user if user is not None else next(iter(members))
        if key not in members:
            raise LabelError(f"{path}: no file for user {key!r}; annotators: {', '.join(sorted(members))}")
        raw = z.read(members[key])
    try:
        return f"{path}:{members[key]}", raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise LabelError(f"{path}:{members[key]}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None

