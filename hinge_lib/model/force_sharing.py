"""Sharing joint moments among muscles: the forces that hold a pose with the least effort.

:func:`solve_forces` finds, for every pose at once, the muscle forces that make the joint
moments with the smallest sum of squared muscle stresses (muscles only pull); what no
modelled muscle can supply is left as an "unmet" moment at a high price. Pure numpy, used
by :mod:`hinge_lib.model.muscles`.
"""

from __future__ import annotations

from functools import cache

import numpy as np

#: Cost of a moment no modelled muscle can supply, relative to muscle stress (small = dear).
RESERVE_WEIGHT = 0.01


#: Poses worked on together in the muscle geometry and the force sharing: enough for numpy
#: to run at full speed, few enough that a block's arrays stay in the processor's cache
#: (100,000 poses in one go take about twice as long). No pose's numbers depend on it.
BLOCK_POSES = 4096


def pose_blocks(n: int) -> list[slice]:
    """``n`` poses cut into blocks of at most :data:`BLOCK_POSES`, of near equal size (no
    tiny last block)."""
    count = max(1, -(-n // BLOCK_POSES))
    edges = [round(i * n / count) for i in range(count + 1)]
    return [slice(lo, hi) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


def solve_forces(arms: np.ndarray, moments: np.ndarray, size_n: np.ndarray,
                 max_iter: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Muscle forces that make the joint moments with the smallest sum of squared stresses.

    Solves, for every pose at once, ``min sum((F/size)^2) + sum((unmet/w)^2)`` with
    ``F >= 0`` (muscles only pull), where ``unmet = moments - arms @ F`` is what no
    modelled muscle supplies (a large penalty, so it stays near zero whenever the muscles
    can do the job). Sizes proportional to physiological cross-sectional area make
    ``F/size`` proportional to muscle stress. Joints that share no muscle are solved
    apart; each uses Lawson and Hanson's active-set non-negative least squares, run on all
    poses together (numpy only; in blocks of :data:`BLOCK_POSES` poses, which changes no
    number), started from the muscles that pull the right way, with
    each step solving a joints-by-joints system rather than a muscles-by-muscles one. For
    a few poses every set of active muscles is tried at once instead (also exact).

    Parameters
    ----------
    arms : (n, joints, muscles) moment arms in m.
    moments : (n, joints) joint moments in N m.
    size_n : (muscles,) maximum forces in N (any common scale of cross-sectional area).

    Returns
    -------
    forces : (n, muscles) in N, and unmet : (n, joints) in N m.

    Examples
    --------
    >>> import numpy as np
    >>> arms = np.array([[[0.05, 0.05]]])           # two extensors of one joint
    >>> f, unmet = solve_forces(arms, np.array([[100.0]]), np.array([1000.0, 3000.0]))
    >>> [round(x) for x in f[0]], round(float(unmet[0, 0]), 3)
    ([200, 1800], 0.0)
    """
    arms = np.asarray(arms, dtype=float)
    moments = np.asarray(moments, dtype=float)
    size = np.asarray(size_n, dtype=float)
    n, n_joints, n_muscles = arms.shape
    forces = np.zeros((n, n_muscles))
    pattern = tuple(map(tuple, np.any(arms != 0, axis=0).tolist()))
    for joints, muscles_ in _blocks(pattern):
        if not muscles_.size:
            continue
        block_size = size[muscles_]
        sub = arms[:, joints][:, :, muscles_]
        x = _nnls(sub * block_size, moments[:, joints], max_iter)
        forces[:, muscles_] = x * block_size
    unmet = moments - np.einsum("njm,nm->nj", arms, forces)
    return forces, unmet


@cache
def _blocks(pattern: tuple[tuple[bool, ...], ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Groups of joints linked by muscles that cross more than one of them (``pattern``:
    joints x muscles, True where a muscle has a moment arm at a joint), as index arrays of
    the joints and of the muscles."""
    crosses = np.array(pattern, dtype=bool)
    n_joints, n_muscles = crosses.shape
    label = list(range(n_joints))

    def root(j: int) -> int:
        while label[j] != j:
            j = label[j]
        return j

    for m in range(n_muscles):
        js = np.flatnonzero(crosses[:, m])
        for j in js[1:]:
            label[root(int(j))] = root(int(js[0]))
    blocks: dict[int, tuple[list[int], list[int]]] = {}
    for j in range(n_joints):
        blocks.setdefault(root(j), ([], []))[0].append(j)
    for m in range(n_muscles):
        js = np.flatnonzero(crosses[:, m])
        if js.size:
            blocks[root(int(js[0]))][1].append(m)
    return [(np.array(joints, dtype=np.intp), np.array(muscles_, dtype=np.intp))
            for joints, muscles_ in blocks.values()]


def _solve_spd(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve many small symmetric positive definite systems ``a x = b`` at once by
    Gaussian elimination without pivoting (safe for such matrices), in plain numpy."""
    a = a.copy()
    b = b.copy()
    size = a.shape[-1]
    for k in range(size):
        pivot = a[:, k, k]
        for i in range(k + 1, size):
            f = a[:, i, k] / pivot
            a[:, i, k:] -= f[:, None] * a[:, k, k:]
            b[:, i] -= f * b[:, k]
    x = np.empty_like(b)
    for k in range(size - 1, -1, -1):
        x[:, k] = (b[:, k] - np.einsum("nj,nj->n", a[:, k, k + 1:], x[:, k + 1:])) / a[:, k, k]
    return x


#: Largest poses x subsets for which :func:`_nnls` tries every set of active muscles at
#: once (exact and quicker for a few poses, such as one explorer update).
_ENUMERATE_LIMIT = 4096


@cache
def _subsets(n_muscles: int) -> np.ndarray:
    """Every subset of ``n_muscles`` muscles as a (2**n, n) mask of 0.0 and 1.0."""
    codes = np.arange(2**n_muscles)[:, None]
    return ((codes >> np.arange(n_muscles)) & 1).astype(float)


def _nnls_enumerate(b: np.ndarray, moments: np.ndarray) -> np.ndarray:
    """:func:`_nnls` by trying every set of active muscles: the cheapest solution whose
    forces are all pulling is the optimum (the problem is strictly convex).

    For each subset S the forces are ``x = B_S^T y`` with ``(w^2 I + B_S B_S^T) y =
    moments``: a joints-by-joints system per subset, all solved in one LAPACK call.
    """
    n, n_joints, n_muscles = b.shape
    w2 = RESERVE_WEIGHT**2
    masks = _subsets(n_muscles)  # (k, m)
    # B_S B_S^T of every subset at once: each muscle's joint-by-joint product of arms,
    # summed over the muscles of the subset.
    products = (b[:, :, None, :] * b[:, None, :, :]).reshape(n, n_joints**2, n_muscles)
    system = w2 * np.eye(n_joints) + (masks @ products.transpose(0, 2, 1)).reshape(
        n, len(masks), n_joints, n_joints)  # (n, k, j, i)
    if n_joints == 1:  # a 1 x 1 system is a division
        y = moments[:, None, :] / system[..., 0]
    else:
        y = np.linalg.solve(system, moments[:, None, :, None])[..., 0]  # (n, k, j)
    x = masks * np.einsum("njm,nkj->nkm", b, y)
    resid = moments[:, None, :] - np.einsum("njm,nkm->nkj", b, x)
    cost = np.einsum("nkm,nkm->nk", x, x) + np.einsum("nkj,nkj->nk", resid, resid) / w2
    cost = np.where(np.all(x >= -1e-12, axis=2), cost, np.inf)
    best = cost.argmin(axis=1)
    return np.maximum(x[np.arange(n), best], 0.0)


def _nnls(b: np.ndarray, moments: np.ndarray, max_iter: int | None) -> np.ndarray:
    """Batched ``min |x|^2 + |moments - b x|^2 / w^2`` over ``x >= 0`` (see solve_forces)."""
    n, n_joints, n_muscles = b.shape
    if max_iter is None and n * 2**n_muscles <= _ENUMERATE_LIMIT:
        return _nnls_enumerate(b, moments)
    x = np.empty((n, n_muscles))
    for block in pose_blocks(n):  # each pose is solved on its own: blocks only save time
        x[block] = _nnls_active_set(b[block], moments[block], max_iter)
    return x


def _nnls_active_set(b: np.ndarray, moments: np.ndarray, max_iter: int | None) -> np.ndarray:
    """:func:`_nnls` by the active-set method, for every pose of ``b`` together.

    Lawson and Hanson's method, started from the muscles that pull the right way. Until a
    pose has its first feasible solution (every free muscle pulling), a free muscle that
    comes out pushing is simply set aside and the rest solved again: the free set only
    shrinks, so this ends, and it spares the method's restart from no muscles at all.
    """
    n, n_joints, n_muscles = b.shape
    w2 = RESERVE_WEIGHT**2
    x = np.zeros((n, n_muscles))
    grad0 = np.einsum("njm,nj->nm", b, moments) / w2
    scale = 1.0 + np.abs(grad0).max(axis=1)
    free = grad0 > 1e-13 * scale[:, None]  # start from the muscles that pull the right way
    todo = np.ones(n, dtype=bool)
    feasible_yet = np.zeros(n, dtype=bool)
    eye = np.eye(n_joints)
    for _ in range(max_iter or 6 * n_muscles + 10):
        idx = np.flatnonzero(todo)
        if idx.size == 0:
            break
        bi, mi, xi, fi = b[idx], moments[idx], x[idx], free[idx]
        bm = bi * fi[:, None, :]
        system = w2 * eye + np.einsum("njm,nkm->njk", bm, bm)
        s = np.einsum("njm,nj->nm", bm, _solve_spd(system, mi))
        ok = np.all(~fi | (s > 0), axis=1)
        # Feasible: accept and add the muscle that would lower the cost most, if any.
        xi[ok] = s[ok]
        b_ok = bi[ok]
        resid = mi[ok] - np.einsum("njm,nm->nj", b_ok, xi[ok])
        grad = np.einsum("njm,nj->nm", b_ok, resid) / w2 - xi[ok]
        grad[fi[ok]] = -np.inf
        best = grad.argmax(axis=1)
        gain = grad[np.arange(len(best)), best]
        add = gain > 1e-13 * scale[idx][ok]
        rows_ok = np.flatnonzero(ok)
        fi[rows_ok[add], best[add]] = True
        done = np.zeros(len(idx), dtype=bool)
        done[rows_ok[~add]] = True
        # Infeasible before any feasible solution: set the pushing muscles aside.
        first = ~ok & ~feasible_yet[idx]
        fi[first] &= s[first] > 0
        feasible_yet[idx[ok]] = True
        # Infeasible: step from the last feasible point towards s and drop muscles at zero.
        bad = ~ok & ~first
        if bad.any():
            xb, sb, fb = xi[bad], s[bad], fi[bad]
            neg = fb & (sb <= 0)
            gap = xb - sb
            ratio = np.where(neg, xb / np.where(gap > 0, gap, 1.0), np.inf)
            alpha = np.minimum(ratio.min(axis=1), 1.0)
            xb = xb + alpha[:, None] * (sb - xb)
            fb &= xb > 1e-12 * (1.0 + xb.max(axis=1, keepdims=True))
            xb[~fb] = 0.0
            xi[bad], fi[bad] = xb, fb
        x[idx], free[idx] = xi, fi
        todo[idx[done]] = False
    return x
