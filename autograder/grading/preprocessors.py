"""nbgrader preprocessors of our own, plugged into autograde and feedback by nbgrader_config.py."""

from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Dict, Integer

from ..build.ungraded import SKIP_TAG


class SkipUngraded(NbGraderPreprocessor):
    """Tag the cells grading leaves unrun (chosen by ``autograder.build.ungraded``) with the tag
    Execute skips, after removing it from every cell: a submission cannot choose them."""

    skipped = Dict(help="notebook name → sources of the cells to leave unrun").tag(config=True)

    def preprocess(self, nb, resources):
        self._skip = set(self.skipped.get(resources["nbgrader"]["notebook"], ()))
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        tags = [tag for tag in cell.metadata.get("tags", []) if tag != SKIP_TAG]
        if cell.cell_type == "code" and not is_grade(cell) and cell.source in self._skip:
            tags.append(SKIP_TAG)
        if tags or "tags" in cell.metadata:
            cell.metadata["tags"] = tags
        return cell, resources


class TruncateOutputs(NbGraderPreprocessor):
    """Cut any cell output longer than ``max_chars`` characters (nbgrader's LimitOutput counts
    lines, so one 100 MB line would pass): feedback stays readable and the gradebook small."""

    max_chars = Integer(100_000, help="longest text kept from one output").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if "text" in output:
                output.text = self._cut(output.text)
            for kind, value in output.get("data", {}).items():
                if kind.startswith("text/") and isinstance(value, str):
                    output.data[kind] = self._cut(value)
        return cell, resources

    def _cut(self, text):
        if len(text) <= self.max_chars:
            return text
        return text[: self.max_chars] + f"\n… [output cut: {len(text):,} characters in all]\n"


class HideHiddenTests(NbGraderPreprocessor):
    """For feedback: drop every hidden-test section from the cell sources (autograde restored
    them, nbgrader issue #917) and shorten error tracebacks, which quote the failing code, to
    their last line. Markers are ClearHiddenTests' delimiters; a BEGIN without END hides the
    rest of the cell."""

    def preprocess(self, nb, resources):
        markers = ClearHiddenTests(config=self.config)
        self._begin, self._end = markers.begin_test_delimeter, markers.end_test_delimeter
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        cell.source = self._hide(cell.source, cell.cell_type == "code")
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources

    def _hide(self, source, is_code):
        kept, hiding = [], False
        for line in source.split("\n"):
            if self._begin in line:
                if not hiding:
                    indent = line[: len(line) - len(line.lstrip())]
                    kept.append(indent + (HIDDEN_CODE if is_code else HIDDEN_TEXT))
                hiding = True
            elif self._end in line:
                hiding = False
            elif not hiding:
                kept.append(line)
        return "\n".join(kept)


HIDDEN_CODE = "# … hidden tests: not shown in feedback (their results are in the output below)"
HIDDEN_TEXT = "*… hidden tests: not shown in feedback*"
