"""The int8 fast path of the sentence embedder: every linear layer of the transformer run as an
int8 matrix product (``torch._int_mm``).

Weights are int8 per output channel; activations int8 per row (token), asymmetric, so each text's
vector does not depend on the texts batched with it. Quantising and dequantising are two small
numba kernels, compiled on first use and cached on disk. On a CPU with AVX-512 VNNI this is about
twice as fast as float32, with cosine similarity above 0.99 (``bench/embed_speed.py``). On a CPU
without int8 dot-product instructions (AVX2 only) torch's int8 product is about 25 times slower
than float32's, and the whole path about 40 times: :func:`int8_pays` tells the two apart by the
CPU's features.
:class:`~workbench.embed.model.SentenceEmbedder` swaps the layers in and checks the drift.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np


def quantise_linear_layers(module) -> dict[str, object]:
    """Swap each ``nn.Linear`` under ``module`` for an int8 one; returns the originals by name.

    The query, key and value projections of an attention block read the same input: they share
    one quantisation of it and one matrix product.
    """
    import torch

    originals = {}
    for parent_name, parent in list(module.named_modules()):
        children = dict(parent.named_children())
        linear = {name: child for name, child in children.items()
                  if isinstance(child, torch.nn.Linear) and min(child.in_features, child.out_features) >= 64}
        fused = [n for n in ("query", "key", "value") if n in linear]
        if len(fused) == 3 and len({linear[n].in_features for n in fused}) == 1:
            shared = Int8Matmul([linear[n] for n in fused])
            start = 0
            for name in fused:
                stop = start + linear[name].out_features
                originals[f"{parent_name}.{name}"] = (parent, name, linear[name])
                setattr(parent, name, int8_module(shared, start, stop))
                start = stop
            fused_names = set(fused)
        else:
            fused_names = set()
        for name, child in linear.items():
            if name not in fused_names:
                originals[f"{parent_name}.{name}"] = (parent, name, child)
                setattr(parent, name, int8_module(Int8Matmul([child]), 0, child.out_features))
    return originals


def restore_linear_layers(originals: dict[str, object]) -> None:
    for parent, name, child in originals.values():
        setattr(parent, name, child)


#: the CPU features (LLVM's names) under which torch's int8 product runs on int8 dot-product
#: instructions: AVX-512 VNNI, AVX-VNNI (256-bit) and AMX's int8 tiles
INT8_FEATURES = ("avx512vnni", "avxvnni", "amx-int8")


def int8_pays(features=None) -> bool:
    """Whether this CPU has int8 dot-product instructions (:data:`INT8_FEATURES`), where the int8
    path is about twice as fast as float32; without them (AVX2 only, or another architecture,
    not measured) it is float32.

    Read from the CPU's features (llvmlite's, which numba brings), never timed: the answer
    chooses the vectors, so it must be the same every time on the same machine. A timing probe
    (one int8 and one float32 product, best of three) was tried first and flipped under load on
    an AMX machine (4.4 ms against 5.6 ms at best, about 8 ms each at the median): two runs of
    the same job chose different precisions and gave different themes.
    ``features``: a mapping of feature name to bool (default: this CPU's).
    """
    if features is None:
        features = _host_features()
    return any(bool(features.get(name, False)) for name in INT8_FEATURES)


@lru_cache(maxsize=1)
def _host_features() -> dict[str, bool]:
    import llvmlite.binding as llvm

    return dict(llvm.get_host_cpu_features().items())


#: bump when the int8 arithmetic changes, so vectors cached from the old one are not reused
INT8_SCHEME = "1"


#: ``numba.prange`` once the kernels are compiled (rows split over the cores); plain range before
prange = range


def _quantise_rows(x, lo, hi, q, scale, zero):
    """Per row ``i`` (spanning ``lo[i]..hi[i]``): ``x[i] ~= scale[i] * (q[i] + zero[i])``, ``q`` in [-128, 126]."""
    for i in prange(x.shape[0]):
        s = max((hi[i] - lo[i]) / np.float32(254.0), np.float32(1e-8))
        inv = np.float32(1.0) / s
        z = np.float32(np.rint(lo[i] * inv + np.float32(128.0)))
        for j in range(x.shape[1]):
            q[i, j] = np.int8(np.rint(x[i, j] * inv - z))
        scale[i] = s
        zero[i] = z


def _dequantise_rows(acc, scale, zero, w_scale, w_sum, bias, out):
    """``out = scale * (acc * w_scale + zero * w_sum) + bias``: the int32 product back to float."""
    for i in prange(acc.shape[0]):
        s = scale[i]
        z = zero[i]
        for j in range(acc.shape[1]):
            out[i, j] = s * (np.float32(acc[i, j]) * w_scale[j] + z * w_sum[j]) + bias[j]


_KERNELS = None


def int8_kernels():
    """The two element-wise kernels, compiled by numba on first use (and cached on disk), each
    splitting its rows over as many threads as torch uses."""
    global _KERNELS, prange
    if _KERNELS is None:
        import numba

        prange = numba.prange
        jit = numba.njit(fastmath=True, parallel=True, cache=True)
        _KERNELS = (jit(_quantise_rows), jit(_dequantise_rows))
    return _KERNELS


class Int8Matmul:
    """``x W^T + b`` for one or more linear layers side by side, in int8.

    Weights: int8 per output channel. Activations: int8 per row (token), asymmetric, so each
    text's vector does not depend on the texts batched with it. The last input tensor and its
    product are kept, so layers handed the same tensor (query, key, value) compute it once.
    """

    def __init__(self, linears):
        import torch

        weight = torch.cat([lin.weight.detach().float() for lin in linears])
        bias = torch.cat([lin.bias.detach().float() if lin.bias is not None else torch.zeros(lin.out_features)
                          for lin in linears])
        w_scale = weight.abs().amax(dim=1).clamp(min=1e-8) / 127.0
        w_int = torch.round(weight / w_scale[:, None]).clamp(-127, 127).to(torch.int8)
        self.w_int_t = w_int.t().contiguous()
        self.w_scale = w_scale.contiguous().numpy()
        self.w_sum = (w_int.float().sum(dim=1) * w_scale).contiguous().numpy()
        self.bias = bias.contiguous().numpy()
        self.out_features = weight.shape[0]
        self._last = None

    def __call__(self, x):
        import torch

        if self._last is not None and self._last[0] is x:  # the same tensor object: query, key, value
            return self._last[1]
        quantise_rows, dequantise_rows = int8_kernels()
        flat = x.reshape(-1, x.shape[-1]).float().contiguous()
        rows = flat.shape[0]
        q = torch.empty(flat.shape, dtype=torch.int8)
        scale, zero = np.empty(rows, dtype=np.float32), np.empty(rows, dtype=np.float32)
        quantise_rows(flat.numpy(), flat.amin(dim=1).numpy(), flat.amax(dim=1).numpy(), q.numpy(), scale, zero)
        acc = torch._int_mm(q, self.w_int_t)
        out = torch.empty((rows, self.out_features))
        dequantise_rows(acc.numpy(), scale, zero, self.w_scale, self.w_sum, self.bias, out.numpy())
        out = out.reshape(*x.shape[:-1], self.out_features)
        self._last = (x, out)
        return out


_INT8_MODULE = None


def int8_module(matmul: Int8Matmul, start: int, stop: int):
    """A torch module computing columns ``start:stop`` of ``matmul``."""
    global _INT8_MODULE
    if _INT8_MODULE is None:
        import torch

        class Int8Linear(torch.nn.Module):
            def __init__(self, matmul, start, stop):
                super().__init__()
                self.matmul, self.start, self.stop = matmul, start, stop
                self.out_features = stop - start

            def forward(self, x):
                out = self.matmul(x)
                return out if (self.start, self.stop) == (0, self.matmul.out_features) else out[..., self.start:self.stop]

        _INT8_MODULE = Int8Linear
    return _INT8_MODULE(matmul, start, stop)


__all__ = ["INT8_SCHEME", "Int8Matmul", "int8_kernels", "int8_module", "quantise_linear_layers",
           "restore_linear_layers"]
