"""Scripts that precompute what a lesson shows instead of training it live, and the files they write.

    debug_runs.py    lesson 11's lab: short DCGAN runs on digits, each with one planted bug (and a healthy
                     control), logged step by step; `python -m learntools.gans.experiments.debug_runs`
                     rewrites debug_runs.npz beside it (a test reruns its first steps and compares)
    small_data.py    lesson 12: a small DCGAN on 500 and 4,000 digits, without and with DiffAugment, over
                     seeds: D's accuracy on training and held-out digits, Fréchet distances, samples;
                     `python -m learntools.gans.experiments.small_data` rewrites small_data.npz beside it
    text_runs.py     lesson 14's text GAN with and without GAN-CLS's mismatched pairs, three seeds each;
                     `python -m learntools.gans.experiments.text_runs` rewrites text_runs.npz beside it
"""
