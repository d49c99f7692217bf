"""The MiniLM sentence encoder (all-MiniLM-L6-v2) run with numpy, and a logistic head.

The forward pass of a six-layer BERT: embeddings, then per layer self-attention
(12 heads of 32), a residual and layer norm, a GELU feed-forward layer, a residual
and layer norm; the tokens' mean (padding left out) is the sentence's vector, and
the head turns it into the probability that the sentence is the author's own
forward-looking claim. It is written out here, rather than run with PyTorch,
because a 720 MB install for 22M weights is out of proportion for a web service;
the tests check it against sentence-transformers' own output for the same weights.

GELU is the tanh form ("gelu_pytorch_tanh"), the one the adapter was trained with,
so this pass and the training's agree to float rounding.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

HIDDEN = 384
HEADS = 12
LAYERS = 6
# Tokens a sentence is cut to, as in training (a few of the corpus's sentences are longer).
MAX_TOKENS = 96
# Sentences whose probabilities are kept (a few hundred kilobytes).
REMEMBERED = 10_000
# Padded tokens in one batch: small batches of near-equal length pad least.
BATCH_TOKENS = 256
_LAYER_NORM_EPS = 1e-12
_GELU_C = math.sqrt(2.0 / math.pi)


class Encoder:
    """Sentences to the probability that each is the author's own forward-looking claim.

    ``weights`` are the base model's tensors by name (``model.safetensors``), with the
    adapter's low-rank updates already added; ``head`` is the logistic layer's
    (weight vector, bias).
    """

    def __init__(
        self,
        tokenizer: Tokenizer,
        weights: Mapping[str, np.ndarray],
        head: tuple[np.ndarray, float],
    ) -> None:
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()  # the shipped tokenizer.json pads to 128; batches pad here
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.embeddings = (
            weights["embeddings.word_embeddings.weight"],
            weights["embeddings.position_embeddings.weight"],
            weights["embeddings.token_type_embeddings.weight"],
            weights["embeddings.LayerNorm.weight"],
            weights["embeddings.LayerNorm.bias"],
        )
        self.layers = [_Layer(weights, f"encoder.layer.{i}.") for i in range(LAYERS)]
        self.head_weight, self.head_bias = head
        self._remembered: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_files(
        cls,
        model_dir: Path,
        updates: Iterable[tuple[str, np.ndarray]],
        head: tuple[np.ndarray, float],
    ) -> Encoder:
        """The base model in ``model_dir`` with ``updates`` (a weight's name, a matrix to add
        to it) added in place."""
        weights = load_file(str(model_dir / "model.safetensors"))
        for name, update in updates:
            weights[name] += update
        return cls(Tokenizer.from_file(str(model_dir / "tokenizer.json")), weights, head)

    def probabilities(self, sentences: Sequence[str]) -> list[float]:
        """P(the author's own forward-looking claim) for each sentence, in order.

        The last ``REMEMBERED`` sentences' probabilities are kept: an editor previews an
        article's drafts and then drafts it, and the second reading is then free.
        """
        with self._lock:
            known = {s: self._remembered[s] for s in sentences if s in self._remembered}
        new = list(dict.fromkeys(s for s in sentences if s not in known))
        if new:
            encoded = [e.ids for e in self.tokenizer.encode_batch(new)]
            out = np.zeros(len(encoded), dtype=np.float64)
            for chunk in _batches(encoded):
                pooled = self.pooled([encoded[i] for i in chunk])
                logits = pooled @ self.head_weight + self.head_bias
                out[chunk] = 1.0 / (1.0 + np.exp(-logits))
            known.update(zip(new, out.tolist(), strict=True))
        with self._lock:
            for sentence in sentences:
                self._remembered[sentence] = known[sentence]
                self._remembered.move_to_end(sentence)
            while len(self._remembered) > REMEMBERED:
                self._remembered.popitem(last=False)
        return [known[s] for s in sentences]

    def forget(self) -> None:
        """Drop the remembered probabilities (the benchmark times a first reading)."""
        with self._lock:
            self._remembered.clear()

    def pooled(self, token_ids: Sequence[Sequence[int]]) -> np.ndarray:
        """The mean of the last layer's token vectors (padding left out), one row a sentence."""
        rows, width = len(token_ids), max(len(ids) for ids in token_ids)
        ids = np.zeros((rows, width), dtype=np.int64)
        mask = np.zeros((rows, width), dtype=np.float32)
        for row, sentence in enumerate(token_ids):
            ids[row, : len(sentence)] = sentence
            mask[row, : len(sentence)] = 1.0
        words, positions, types, norm_weight, norm_bias = self.embeddings
        x = words[ids] + positions[:width] + types[0]
        x = _layer_norm(x, norm_weight, norm_bias)
        # Padding takes no attention: a large negative score before the softmax.
        padding = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            x = layer(x, padding)
        counted = mask[..., None]
        return (x * counted).sum(axis=1) / np.maximum(counted.sum(axis=1), 1.0)


class _Layer:
    """One transformer layer's weights, as transposed views for ``x @ W`` (no copies: BLAS
    reads a transposed matrix as it is)."""

    def __init__(self, weights: Mapping[str, np.ndarray], prefix: str) -> None:
        def w(name: str) -> np.ndarray:
            return weights[prefix + name]

        attention = [f"attention.self.{part}" for part in ("query", "key", "value")]
        self.qkv = np.concatenate([w(f"{p}.weight") for p in attention]).T
        self.qkv_bias = np.concatenate([w(f"{p}.bias") for p in attention])
        self.out = w("attention.output.dense.weight").T
        self.out_bias = w("attention.output.dense.bias")
        self.norm1 = (w("attention.output.LayerNorm.weight"), w("attention.output.LayerNorm.bias"))
        self.up = w("intermediate.dense.weight").T
        self.up_bias = w("intermediate.dense.bias")
        self.down = w("output.dense.weight").T
        self.down_bias = w("output.dense.bias")
        self.norm2 = (w("output.LayerNorm.weight"), w("output.LayerNorm.bias"))

    def __call__(self, x: np.ndarray, padding: np.ndarray) -> np.ndarray:
        rows, width, _ = x.shape
        size = HIDDEN // HEADS
        # The linear layers work on every token at once: a 2-D product reaches BLAS
        # even with a transposed weight matrix, where a stacked (3-D) one would not.
        flat = x.reshape(rows * width, HIDDEN)
        qkv = (flat @ self.qkv + self.qkv_bias).reshape(rows, width, 3 * HIDDEN)
        q, k, v = (
            qkv[..., i * HIDDEN : (i + 1) * HIDDEN]
            .reshape(rows, width, HEADS, size)
            .transpose(0, 2, 1, 3)
            for i in range(3)
        )
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(size)) + padding
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(rows * width, HIDDEN)
        flat = _layer_norm(flat + context @ self.out + self.out_bias, *self.norm1)
        h = flat @ self.up
        h += self.up_bias
        flat = _layer_norm(flat + _gelu(h) @ self.down + self.down_bias, *self.norm2)
        return flat.reshape(rows, width, HIDDEN)


def _gelu(h: np.ndarray) -> np.ndarray:
    """0.5·h·(1 + tanh(√(2/π)·(h + 0.044715·h³))), computed in place."""
    t = h * h
    t *= h
    t *= np.float32(0.044715)
    t += h
    t *= np.float32(_GELU_C)
    np.tanh(t, out=t)
    t += np.float32(1.0)
    t *= h
    t *= np.float32(0.5)
    return t


def _batches(encoded: Sequence[Sequence[int]]) -> list[list[int]]:
    """Positions of ``encoded`` in batches of similar length, each at most ``BATCH_TOKENS``
    tokens once padded (a sentence longer than that is a batch of its own): on the
    benchmark article this ran the model in 0.67 s, against 0.83–0.93 s for batches of 32
    sentences, which padded a third more tokens."""
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    batches: list[list[int]] = []
    for i in order:
        width = len(encoded[i])  # the longest so far, as the order is by length
        if batches and width * (len(batches[-1]) + 1) <= BATCH_TOKENS:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + np.float32(_LAYER_NORM_EPS)) * weight + bias
