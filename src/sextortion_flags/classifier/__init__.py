"""The machine-learning half: a scikit-learn pipeline over normalized messages."""
