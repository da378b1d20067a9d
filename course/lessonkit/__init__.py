"""What the lessons import to draw and to play: matplotlib figures and ipywidgets explorers."""
