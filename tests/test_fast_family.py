"""fast_family.py lists a family exactly as manim does: same mobjects, same order, repeats
at their last place, cycles walked once; runs updaters in manim's order; and only inside
its block."""
import random

from manim import Dot, Mobject, Square, VGroup, VMobject

from nnanim.scenes.render.fast_family import fast_family

MANIM_FAMILY = Mobject.get_family
MANIM_WITH_POINTS = Mobject.family_members_with_points
MANIM_UPDATE = Mobject.update


def random_tree(rng: random.Random, shared: list, depth: int = 0) -> Mobject:
    """A group of groups and shapes; some shapes and groups appear under two parents."""
    kids = []
    for _ in range(rng.randint(0, 4)):
        pick = rng.random()
        if pick < 0.15 and shared:
            kids.append(rng.choice(shared))
        elif pick < 0.5 and depth < 4:
            kids.append(random_tree(rng, shared, depth + 1))
        else:
            kids.append(Dot() if rng.random() < 0.7 else VMobject())  # VMobject: no points
        if rng.random() < 0.2:
            shared.append(kids[-1])
    group = VGroup(*kids) if rng.random() < 0.8 else VMobject().add(*kids)
    return group


def both(mobject: Mobject) -> tuple[list, list]:
    """(manim's lists, fast_family's lists) of ``mobject``: family and with points."""
    manim = (MANIM_FAMILY(mobject), MANIM_WITH_POINTS(mobject))
    with fast_family():
        fast = (mobject.get_family(), mobject.family_members_with_points())
    return manim, fast


def test_random_trees_list_as_manim_does():
    rng = random.Random(4)
    repeats = 0
    for _ in range(300):
        tree = random_tree(rng, [])
        (family, points), (fast, fast_points) = both(tree)
        assert [id(m) for m in fast] == [id(m) for m in family]
        assert [id(m) for m in fast_points] == [id(m) for m in points]
        walked = []
        stack = [tree]
        while stack:
            m = stack.pop()
            walked.append(m)
            stack.extend(m.submobjects)
        repeats += len(walked) > len(set(walked))
    assert repeats > 20  # the repeat pass was exercised


def test_shared_child_keeps_its_last_place():
    a, b, shared = Square(), Square(), Dot()
    tree = VGroup(VGroup(a, shared), VGroup(b, shared))
    (family, _), (fast, _) = both(tree)
    assert fast == family
    assert fast.index(shared) == len(fast) - 1


def test_cycle_is_walked_once():
    inner, leaf = VGroup(), Dot()
    outer = VGroup(inner)
    inner.add(leaf)
    inner.submobjects.append(outer)  # add() refuses a cycle; lists can still hold one
    (family, points), (fast, fast_points) = both(outer)
    assert fast == family == [outer, inner, leaf]
    assert fast_points == points == [leaf]


def test_childless_mobject_is_its_own_family():
    dot = Dot()
    (family, points), (fast, fast_points) = both(dot)
    assert fast == family == [dot] and fast_points == points == [dot]


def updated_tree(log: list) -> Mobject:
    """A tree whose mobjects log their updaters' calls; one subtree suspended, one updater
    that adds a child on its first call (later children are updated in the same pass)."""
    def logger(name, with_dt):
        return (lambda m, dt: log.append((name, dt))) if with_dt else \
            (lambda m: log.append((name, None)))
    leaves = [Dot().add_updater(logger(f"leaf{i}", i % 2)) for i in range(4)]
    quiet = Dot()
    suspended = VGroup(Dot().add_updater(logger("hidden", True)))
    suspended.suspend_updating(recursive=False)  # its child is not suspended itself
    grower = VGroup(leaves[2])

    def grow(m, dt):
        log.append(("grower", dt))
        if len(m.submobjects) == 1:
            m.add(leaves[3])
    grower.add_updater(grow)
    tree = VGroup(VGroup(leaves[0], quiet, leaves[1]), suspended, grower)
    tree.add_updater(logger("root", False))
    return tree


def test_updates_run_as_manims_do():
    runs = []
    for fast in (False, True):
        log = []
        tree = updated_tree(log)
        if fast:
            with fast_family():
                tree.update(0.25)
                tree.update(0.5)
        else:
            MANIM_UPDATE(tree, 0.25)
            MANIM_UPDATE(tree, 0.5)
        runs.append(log)
    assert runs[1] == runs[0]
    assert ("hidden", 0.25) not in runs[0] and ("leaf3", 0.25) in runs[0]


def test_only_inside_the_block():
    with fast_family():
        assert Mobject.get_family is not MANIM_FAMILY
    assert Mobject.get_family is MANIM_FAMILY
    assert Mobject.family_members_with_points is MANIM_WITH_POINTS
    assert Mobject.update is MANIM_UPDATE
