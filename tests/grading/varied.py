"""Correct answers to 02-dot-product's ``attend`` written in many ways, for the similarity tests.

``attend_variant(n)`` combines one choice at each of four steps (the input checks, the query,
the scores, the weighted sum): 4 × 4 × 4 × 4 = 256 different answers, all correct. Two
numbers give answers that differ in at least one step. ``COPIED`` is a way none of them
takes; ``COPIED_RENAMED`` is the same code with every variable renamed, as a student who
copied it would hand it in. ``NO_TANH_A`` and ``NO_TANH_B`` are additive scores that both
forget the tanh (the catalogued mistake ``additive-no-tanh``), in different code.
"""

SIGNATURE = "def attend(I, Wq, Wk, Wv, i):\n"

CHECKS = [
    '    I = matrix("I", I)\n    Wq, Wk, Wv = matrix("Wq", Wq), matrix("Wk", Wk), matrix("Wv", Wv)\n'
    '    for name, W in (("Wq", Wq), ("Wk", Wk), ("Wv", Wv)):\n        weights_for(name, W, "I", I)\n'
    '    same_shape("Wq", Wq, "Wk", Wk)\n',
    '    I = matrix("I", I)\n    Wq = matrix("Wq", Wq)\n    Wk = matrix("Wk", Wk)\n    Wv = matrix("Wv", Wv)\n'
    '    same_shape("Wq", Wq, "Wk", Wk)\n    weights_for("Wq", Wq, "I", I)\n    weights_for("Wk", Wk, "I", I)\n'
    '    weights_for("Wv", Wv, "I", I)\n',
    '    mats = {n: matrix(n, m) for n, m in (("I", I), ("Wq", Wq), ("Wk", Wk), ("Wv", Wv))}\n'
    '    I, Wq, Wk, Wv = mats["I"], mats["Wq"], mats["Wk"], mats["Wv"]\n'
    '    for n in ("Wq", "Wk", "Wv"):\n        weights_for(n, mats[n], "I", I)\n'
    '    if Wq.shape != Wk.shape:\n        raise ValueError(f"Wq {Wq.shape} and Wk {Wk.shape} differ")\n',
    '    I, Wq, Wk, Wv = [matrix(n, m) for n, m in zip(["I", "Wq", "Wk", "Wv"], [I, Wq, Wk, Wv])]\n'
    '    same_shape("Wq", Wq, "Wk", Wk)\n'
    '    [weights_for(n, W, "I", I) for n, W in [("Wq", Wq), ("Wk", Wk), ("Wv", Wv)]]\n',
]
POSITION = ('    N = I.shape[1]\n'
            '    if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < N:\n'
            '        raise ValueError(f"i must be a position 0 <= i < {N}, got {i!r}")\n')
QUERY = [
    "    q = Wq @ I[:, i]\n",
    "    q = np.dot(Wq, I[:, i])\n",
    "    Q = Wq @ I\n    q = Q[:, i]\n",
    "    a_i = I[:, i]\n    q = Wq.dot(a_i)\n",
]
SCORES = [
    "    alpha = np.array([dot_product_score(q, Wk @ I[:, j]) for j in range(N)])\n",
    "    K = Wk @ I\n    alpha = K.T @ q\n",
    "    alpha = np.zeros(N)\n    for j in range(N):\n        alpha[j] = dot_product_score(q, np.dot(Wk, I[:, j]))\n",
    "    keys = [Wk.dot(I[:, j]) for j in range(N)]\n    alpha = np.array([float(np.sum(q * kj)) for kj in keys])\n",
]
OUTPUT = [
    "    alpha_prime = softmax(alpha)\n    b = (Wv @ I) @ alpha_prime\n    return b, alpha_prime\n",
    "    weights = softmax(alpha)\n    V = Wv @ I\n    b = sum(weights[j] * V[:, j] for j in range(N))\n    return b, weights\n",
    "    ap = softmax(alpha)\n    b = np.zeros(Wv.shape[0])\n    for j in range(N):\n"
    "        b += ap[j] * (Wv @ I[:, j])\n    return b, ap\n",
    "    alpha_prime = softmax(alpha)\n    values = np.stack([Wv @ I[:, j] for j in range(N)], axis=1)\n"
    "    return np.einsum('vn,n->v', values, alpha_prime), alpha_prime\n",
]


def attend_variant(n):
    """The ``n``-th way (0 <= n < 256) to write a correct ``attend``."""
    c, q, s, o = n % 4, n // 4 % 4, n // 16 % 4, n // 64 % 4
    return SIGNATURE + CHECKS[c] + POSITION + QUERY[q] + SCORES[s] + OUTPUT[o]


def honest_numbers(count):
    """``count`` variant numbers spread over the choices (each step's choices used in turn)."""
    return [(k + 4 * (k * 7 % 4) + 16 * (k * 3 % 4) + 64 * (k // 4 % 4)) % 256 for k in range(count)]


COPIED = (SIGNATURE + CHECKS[0] + POSITION +
          "    x = I[:, i]\n    query = Wq @ x\n    raw = []\n    for col in range(N):\n"
          "        key = Wk @ I[:, col]\n        raw.append(float(query @ key))\n"
          "    raw = np.array(raw)\n    top = raw.max()\n    e = np.exp(raw - top)\n    attn = e / e.sum()\n"
          "    out = np.zeros(Wv.shape[0])\n    for col in range(N):\n        out = out + attn[col] * (Wv @ I[:, col])\n"
          "    return out, attn\n")
COPIED_RENAMED = (COPIED.replace("query", "qv").replace("raw", "scores_list").replace("key", "kv")
                  .replace("top", "m").replace("attn", "weights").replace("out", "result").replace("col", "jj")
                  .replace("x = ", "a = ").replace("Wq @ x", "Wq @ a"))

NO_TANH_A = ('def additive_score(q, k, w):\n    q, k, w = vector("q", q), vector("k", k), vector("w", w)\n'
             '    same_shape("q", q, "k", k)\n    same_shape("q", q, "w", w)\n    return float(w @ (q + k))\n')
NO_TANH_B = ('def additive_score(q, k, w):\n    q = vector("q", q)\n    k = vector("k", k)\n    w = vector("w", w)\n'
             '    if not (q.shape == k.shape == w.shape):\n'
             '        raise ValueError(f"q, k and w must have one length, got {q.shape}, {k.shape}, {w.shape}")\n'
             '    total = 0.0\n    for qn, kn, wn in zip(q, k, w):\n        total += wn * (qn + kn)\n    return float(total)\n')
