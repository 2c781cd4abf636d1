"""stallbench's Python side: the seed's engine (a scheduler and TP ranks) speaking stallbench's broadcast protocol.

payload.py is stdlib only (pickle_reference.py shares it); the rest needs numpy, pyzmq and msgpack.
"""
