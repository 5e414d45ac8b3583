"""The sub-commands other than check, one module each, registered by gate.cli."""
