"""framing: how a news passage frames a political crisis.

>>> import framing
>>> framing.classify("Bandits and terrorists attacked police stations, the ministry said.").labels
['law_and_order']

Importing the package is cheap: the modules (and numpy) load on first use of a name below.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "classify": "framing.api",
    "analyze": "framing.api",
    "codebook": "framing.api",
    "default_model": "framing.api",
    "train": "framing.training",
    "evaluate": "framing.training",
    "cross_validate": "framing.training",
    "EvaluationReport": "framing.training",
    "FrameClassifier": "framing.model",
    "classify_corpus": "framing.batch",
    "train_articles": "framing.articles",
    "classify_articles": "framing.articles",
    "LabelledData": "framing.readers",
    "read_jsonl": "framing.readers",
    "read_csv": "framing.readers",
    "from_dataframe": "framing.readers",
    "read_semeval2023": "framing.readers",
    "read_semeval2025": "framing.readers",
    "codebook_from_labels": "framing.readers",
    "read_label_studio": "framing.labelling",
    "read_doccano": "framing.labelling",
    "export_tasks": "framing.labelling",
    "label_studio_config": "framing.labelling",
    "agreement": "framing.reliability",
    "AgreementReport": "framing.reliability",
    "Suggestion": "framing.active",
    "profile": "framing.profiles",
    "load_model": "framing.persist",
    "save_model": "framing.persist",
    "Codebook": "framing.codebooks",
    "load_codebook": "framing.codebooks",
    "PassageResult": "framing.results",
    "DocumentResult": "framing.results",
    "FramePrediction": "framing.results",
    "Evidence": "framing.results",
    "Sentence": "framing.results",
    "InputTypeError": "framing.errors",
    "LabelError": "framing.errors",
    "CodebookError": "framing.errors",
    "ModelFileError": "framing.errors",
    "DuplicateTextWarning": "framing.errors",
    "NoSpansError": "framing.errors",
    "ProfileError": "framing.errors",
}
__all__ = sorted(_EXPORTS) + ["__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .active import Suggestion
    from .reliability import AgreementReport, agreement
    from .api import analyze, classify, codebook, default_model
    from .articles import classify_articles, train_articles
    from .batch import classify_corpus
    from .readers import (LabelledData, codebook_from_labels, from_dataframe, read_csv, read_jsonl,
                          read_semeval2023, read_semeval2025)
    from .codebooks import Codebook, load_codebook
    from .labelling import export_tasks, label_studio_config, read_doccano, read_label_studio
    from .errors import (CodebookError, DuplicateTextWarning, InputTypeError, LabelError, ModelFileError, NoSpansError,
                         ProfileError)
    from .model import FrameClassifier
    from .training import EvaluationReport, cross_validate, evaluate, train
    from .persist import load_model, save_model
    from .profiles import profile
    from .results import DocumentResult, Evidence, FramePrediction, PassageResult, Sentence


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'framing' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
