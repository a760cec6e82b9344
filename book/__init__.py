"""The drawing helpers of the book's pages, installed as the package ``book_figures``.

``figures_a`` draws for the notation page and chapters 1-4, ``figures_b`` for chapters 5-7.
Pages import them as ``from book_figures.figures_a import heatmap`` (see pyproject.toml).
"""
