"""``python -m tests.synth.wave2 OUT --seed N --docs K``"""

from .build import main

main()
