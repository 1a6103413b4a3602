"""The soundtrack of a vertical video: a silent bed, espeak-ng voice-over per scene, music.

The silent bed guarantees an AAC track (some platforms reject video without audio); the voice
of each scene starts when its captions do and is sped up (up to 2x) to end before the scene
does; music loops to the length, is ducked under a voice and fades out over the last second.
"""

from __future__ import annotations

from pathlib import Path

from elshi.creative import voice
from elshi.creative.storyboard import Storyboard

__all__ = ["soundtrack"]


def soundtrack(
    board: Storyboard, language: str, work: Path, inputs: list[str], graph: list[str], n_input: int
) -> tuple[str, int, bool]:
    total = board.duration
    inputs += ["-f", "lavfi", "-t", f"{total:.3f}", "-i", "anullsrc=r=48000:cl=stereo"]
    mix = [f"[{n_input}:a]"]
    n_input += 1
    voiced = board.voiceover and voice.available()
    if voiced:
        for i, (scene, offset) in enumerate(zip(board.scenes, board.offsets(), strict=True)):
            if not scene.spoken.strip():
                continue
            wav = work / f"voice{i:02d}.wav"
            length = voice.synthesize(scene.spoken, language, wav)
            room = scene.duration - board.overlap
            tempo = min(2.0, max(1.0, length / max(room, 0.5)))
            delay = round((offset + (board.overlap / 2 if i else 0.1)) * 1000)
            inputs += ["-i", str(wav)]
            graph.append(
                f"[{n_input}:a]aresample=48000,aformat=channel_layouts=stereo,atempo={tempo:.3f},"
                f"adelay={delay}|{delay}[vo{i}]"
            )
            mix.append(f"[vo{i}]")
            n_input += 1
    if board.music is not None:
        inputs += ["-stream_loop", "-1", "-i", str(board.music)]
        volume = board.music_volume * (0.4 if voiced else 1.0)  # duck the music under a voice
        fade = max(0.0, total - 1.0)
        graph.append(
            f"[{n_input}:a]aresample=48000,aformat=channel_layouts=stereo,atrim=0:{total:.3f},"
            f"volume={volume:.3f},afade=t=out:st={fade:.3f}:d=1[music]"
        )
        mix.append("[music]")
        n_input += 1
    graph.append(f"{''.join(mix)}amix=inputs={len(mix)}:normalize=0:duration=first[aout]")
    return "[aout]", n_input, voiced
