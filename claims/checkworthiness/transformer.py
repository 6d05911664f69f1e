"""The fine-tuned transformer scorer: all-MiniLM-L6-v2 fine-tuned on the check-worthiness train sets,
exported to ONNX and quantised to int8 (``transformer.onnx``), run with onnxruntime and the Hugging Face
``tokenizers`` library (base dependencies; no torch, nothing downloaded).

``transformer.json`` holds the threshold (chosen by cross-validation on train), the recipe and the
figures; ``transformer-tokenizer.json`` is the base model's WordPiece tokenizer. docs/checkworthiness.md
is the model card; ``claims.checkworthiness.finetune`` is the training code.
"""

import json
from pathlib import Path

import numpy as np
from django.conf import settings

from claims.checkworthiness import ModelUnavailable

HERE = Path(__file__).resolve().parent
MODEL_PATH = HERE / "transformer.onnx"
TOKENIZER_PATH = HERE / "transformer-tokenizer.json"
META_PATH = HERE / "transformer.json"
MAX_LENGTH = 64  # as in training: debate and news sentences average ~25 tokens, few exceed 64
BATCH_SIZE = 32


class TransformerScorer:
    """Score sentences with the shipped ONNX model; ``load()`` reads the three shipped files."""

    name = "transformer"

    def __init__(self, *, session, tokenizer, threshold: float, meta: dict | None = None):
        self.session = session
        self.tokenizer = tokenizer
        self.threshold = threshold
        self.meta = meta or {}

    @classmethod
    def load(
        cls,
        model_path: str | Path = MODEL_PATH,
        *,
        tokenizer_path: str | Path = TOKENIZER_PATH,
        meta_path: str | Path = META_PATH,
        threads: int | None = None,
    ) -> "TransformerScorer":
        """Load the model; ModelUnavailable without onnxruntime/tokenizers, OSError/ValueError if bad."""
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelUnavailable(f"{exc}; pip install onnxruntime tokenizers (base dependencies)") from exc
        meta = json.loads(Path(meta_path).read_text(encoding="utf-8")) if meta_path else {"threshold": 0.5}
        options = onnxruntime.SessionOptions()
        # Workers scale by processes: one intra-op thread each unless told otherwise (see the model card).
        options.intra_op_num_threads = threads or settings.CHECKWORTHINESS_THREADS
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        tokenizer.enable_truncation(max_length=MAX_LENGTH)
        tokenizer.no_padding()
        return cls(session=session, tokenizer=tokenizer, threshold=float(meta["threshold"]), meta=meta)

    @classmethod
    def from_arrays(cls, artifacts) -> "TransformerScorer":
        """Build a scorer from a freshly trained model (``finetune.TransformerArtifacts``)."""
        directory = Path(artifacts.directory)
        scorer = cls.load(
            directory / "model.int8.onnx",
            tokenizer_path=directory / "tokenizer.json",
            meta_path=None,
        )
        scorer.threshold, scorer.meta = float(artifacts.meta["threshold"]), artifacts.meta
        return scorer

    def logits(self, sentences: list[str]) -> np.ndarray:
        """Return one logit per sentence; sentences of similar length are batched together (less padding)."""
        out = np.zeros(len(sentences), dtype=np.float64)
        if not sentences:
            return out
        encodings = self.tokenizer.encode_batch([str(s) for s in sentences])
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH_SIZE):
            indices = order[start : start + BATCH_SIZE]
            width = max(len(encodings[i].ids) for i in indices)
            ids = np.zeros((len(indices), width), dtype=np.int64)
            mask = np.zeros((len(indices), width), dtype=np.int64)
            for row, i in enumerate(indices):
                length = len(encodings[i].ids)
                ids[row, :length] = encodings[i].ids
                mask[row, :length] = 1
            (logits,) = self.session.run(["logits"], {"input_ids": ids, "attention_mask": mask})
            out[indices] = logits
        return out

    def score(self, sentences: list[str]) -> list[float]:
        return (1.0 / (1.0 + np.exp(-self.logits(sentences)))).tolist()
