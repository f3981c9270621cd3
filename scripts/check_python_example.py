"""Checks a Python example (read from stdin) against the generated Python bindings.

Usage: check_python_example.py BINDINGS_INIT_PY MODULE < example.py

Every name the example imports from MODULE must be a class of the bindings; every keyword argument
given to one of those classes, or to a method of an object made from one, must be a parameter of
it; every attribute read from such an object must be a member of its class (or of a base class in
the same bindings). Members inherited from other libraries (aws-cdk-lib, constructs) are not
available here, so an example that uses one fails rather than passing unchecked.
"""
import ast
import sys


def bindings_api(source):
    """Class name -> (base class names, member name -> parameter names)."""
    classes = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            members = {}
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    arguments = item.args.posonlyargs + item.args.args + item.args.kwonlyargs
                    members[item.name] = {a.arg for a in arguments} - {"self", "cls"}
            bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
            classes[node.name] = (bases, members)
    return classes


def member(classes, class_name, name):
    """The parameters of member `name` of a class, looking through its in-bindings bases."""
    bases, members = classes[class_name]
    if name in members:
        return members[name]
    for base in bases:
        if base in classes:
            found = member(classes, base, name)
            if found is not None:
                return found
    return None


def check(example, classes, module):
    errors = []
    checked = 0
    tree = ast.parse(example, filename="README example")

    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module:
            for alias in node.names:
                checked += 1
                if alias.name not in classes:
                    errors.append(f"imports {alias.name}, which {module} does not define")
                imported.add(alias.asname or alias.name)

    # Variables holding an object of one of the imported classes.
    instances = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id in imported):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    instances[target.id] = node.value.func.id

    def check_keywords(call, class_name, member_name):
        nonlocal checked
        params = member(classes, class_name, member_name)
        for keyword in call.keywords:
            checked += 1
            if keyword.arg is None:
                errors.append(f"{class_name}.{member_name} is called with **kwargs, which cannot be checked")
            elif keyword.arg not in params:
                errors.append(f"{class_name}.{member_name} has no parameter {keyword.arg}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes and node.func.id in imported:
            check_keywords(node, node.func.id, "__init__")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in instances:
            class_name = instances[node.value.id]
            checked += 1
            if member(classes, class_name, node.attr) is None:
                errors.append(f"{class_name} has no member {node.attr} ({node.value.id}.{node.attr})")

    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id in instances):
            class_name = instances[node.func.value.id]
            if member(classes, class_name, node.func.attr) is not None:
                check_keywords(node, class_name, node.func.attr)

    if checked == 0:
        errors.append(f"the example uses nothing from {module}, so nothing was checked")
    return checked, errors


def main():
    bindings_path, module = sys.argv[1], sys.argv[2]
    with open(bindings_path, encoding="utf-8") as bindings:
        classes = bindings_api(bindings.read())
    checked, errors = check(sys.stdin.read(), classes, module)
    for error in errors:
        print(f"README Python example: {error}", file=sys.stderr)
    if errors:
        sys.exit(1)
    print(f"README Python example: {checked} imports, arguments and attributes match the generated bindings")


if __name__ == "__main__":
    main()
