"""Radio playout: from approved items to village loudspeakers.

- ``speech``: Vietnamese text normalisation (numbers, dates, times, abbreviations as words).
- ``tts``: the text-to-speech engine interface, espeak-ng's Vietnamese voice by default.
- ``audio``: every audio checked with ffprobe, converted to the delivery format and
  loudness-normalised to EBU R128 with ffmpeg; duration and loudness measured.
"""
