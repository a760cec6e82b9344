"""Where student code runs: a bubblewrap sandbox with limits, kernels forked from a zygote."""
