"""Where noise, models and evaluation meet: compare (and, later, attack and train)."""
