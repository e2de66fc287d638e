"""Read the team-edited taxonomy files: product areas (with keyword variants) and competitors."""

from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

import yaml

AREAS_FILE = "product_areas.yml"
COMPETITORS_FILE = "competitors.yml"


class TaxonomyError(ValueError):
    """A taxonomy file is missing or malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Area:
    name: str
    label: str
    # keyword -> phrases that count as it (the keyword itself included)
    keywords: dict[str, tuple[str, ...]]
    generic: str


@dataclass(frozen=True)
class Taxonomy:
    areas: tuple[Area, ...] = ()
    competitors: tuple[str, ...] = ()
    digest: str = field(default="", compare=False)

    def area(self, name: str) -> Area | None:
        return next((a for a in self.areas if a.name == name), None)


def load_taxonomy(taxonomy_dir: Path) -> Taxonomy:
    areas_path = taxonomy_dir / AREAS_FILE
    competitors_path = taxonomy_dir / COMPETITORS_FILE
    areas_raw = _read_yaml(areas_path)
    competitors_raw = _read_yaml(competitors_path)
    if not isinstance(areas_raw, dict):
        raise TaxonomyError(f"{areas_path}: expected a mapping of area -> list of phrases")
    areas = tuple(_parse_area(areas_path, str(name), spec) for name, spec in areas_raw.items())
    names = competitors_raw.get("competitors") if isinstance(competitors_raw, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise TaxonomyError(f"{competitors_path}: expected 'competitors:' with a list of names")
    digest = sha256(areas_path.read_bytes() + b"\0" + competitors_path.read_bytes()).hexdigest()
    return Taxonomy(areas, tuple(n.strip() for n in names), digest)


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TaxonomyError(f"{path}: taxonomy file not found") from exc
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}: not valid YAML ({exc})") from exc


def _parse_area(path: Path, name: str, spec: object) -> Area:
    if not isinstance(spec, list) or not spec:
        raise TaxonomyError(f"{path}: area '{name}' must be a non-empty list of phrases")
    label = name.replace("_", " ").capitalize()
    keywords: dict[str, tuple[str, ...]] = {}
    for entry in spec:
        if isinstance(entry, str):
            keyword, variants = entry, []
        elif isinstance(entry, dict) and len(entry) == 1:
            keyword, value = next(iter(entry.items()))
            if keyword == "label":
                label = str(value)
                continue
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise TaxonomyError(f"{path}: area '{name}', '{keyword}' needs a list of variants")
            variants = value
        else:
            raise TaxonomyError(
                f"{path}: area '{name}' has an entry that is neither a phrase "
                f"nor 'keyword: [variants]': {entry!r}"
            )
        keyword = str(keyword).strip().lower()
        keywords[keyword] = tuple(dict.fromkeys([keyword, *(v.strip().lower() for v in variants)]))
    if not keywords:
        raise TaxonomyError(f"{path}: area '{name}' has a label but no phrases")
    return Area(name, label, keywords, generic=next(iter(keywords)))
