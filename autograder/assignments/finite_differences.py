"""Gradients by finite differences: the judge the capstone's spec gives its backward pass.

The capstone's hidden cases are not compared with the reference backward pass but with
derivatives of the forward pass, measured by nudging one input entry at a time: what the
grader calls right is the gradient of the forward pass, whatever formula gives it.

Central differences with step h err by O(h²), and rounding errs by about
ε·|loss|/h (ε = 2.2e-16). Combining the steps h and h/2 (Richardson extrapolation)
cancels the h² term: with h = 5e-4 both errors are about 1e-11 or less, far inside the grader's
tolerances (``autograder.assignments.visible``: 1e-9 absolute, 1e-6 relative), where the plain central
difference with h = 1e-6 errs by about 1e-9.
"""

from __future__ import annotations

import numpy as np


def central_differences(loss, X, h=5e-4):
    """d loss() / dX, one entry at a time (``X`` is changed in place and restored).

    Parameters
    ----------
    loss : callable
        Takes no argument and returns a number computed from ``X``.
    X : ndarray of float
    h : float
        The larger of the two steps (the other is h/2).

    Returns
    -------
    ndarray
        The shape of ``X``.
    """
    G = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        old = X[idx]

        def slope(step):
            X[idx] = old + step
            up = loss()
            X[idx] = old - step
            down = loss()
            X[idx] = old
            return (up - down) / (2 * step)

        G[idx] = (4 * slope(h / 2) - slope(h)) / 3   # Richardson: the h² terms cancel
    return G


def backward_judge(forward, n_inputs: int, output: str):
    """A grader-side stand-in for a backward function, computed from its ``forward`` pass.

    The backward function takes ``(*inputs, d_output, *options)`` and returns the gradients
    of L = Σ d_output ⊙ forward(*inputs, *options) with respect to the ``n_inputs`` inputs.

    Parameters
    ----------
    forward : callable
        The forward pass, ``forward(*inputs, *options, **kwargs)``, returning an ndarray.
    n_inputs : int
        How many leading arguments are inputs to differentiate.
    output : str
        The name of the forward pass's result, for messages (``"O"`` gives ``dO``).

    Returns
    -------
    callable
        The judge: it takes the backward function's arguments and returns a tuple of
        ``n_inputs`` gradients, each of its input's shape. It raises ``ValueError`` where the
        forward pass does, or where ``d_output`` does not have the shape of the forward
        pass's result.
    """
    def judge(*args, **kwargs):
        inputs = [np.array(a, dtype=np.float64) for a in args[:n_inputs]]
        d_out = np.asarray(args[n_inputs], dtype=np.float64)
        options = args[n_inputs + 1:]
        result = forward(*inputs, *options, **kwargs)
        if d_out.shape != result.shape:
            raise ValueError(f"d{output} has shape {d_out.shape}, but {output} has shape {result.shape}")

        def loss():
            return float(np.sum(d_out * forward(*inputs, *options, **kwargs)))

        return tuple(central_differences(loss, X) for X in inputs)

    judge.__name__ = f"finite differences of {getattr(forward, '__name__', 'the forward pass')}"
    return judge
