"""Offline evaluation of the chat agent: `python -m dashboard_app.eval` asks the agent each
question of a question file (`questions.yaml` by default), runs the question's gold SQL, and
scores the agent by execution accuracy (do both statements return the same rows?), so a
change of model, prompt or knowledge can be measured instead of guessed.

`scoring` holds the comparison rules (pure functions); `__main__` runs the questions.
"""
