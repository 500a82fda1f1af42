"""Wave-2 acceptance corpus: the five Version-2 layout families with exact truth."""
