"""The drawing helpers of the book's pages, installed as the package ``book_figures``.

``figures_a`` draws for the notation page and chapters 1-4, ``figures_b`` for chapters 5-7;
``figures_live`` writes the data of the interactive figures (chapters 2, 3, 5 and 8), which
``_static/live-figures.js`` draws in the reader's browser.
Pages import them as ``from book_figures.figures_a import heatmap`` (see pyproject.toml).
"""
