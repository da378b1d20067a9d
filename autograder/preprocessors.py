"""nbgrader preprocessors of our own, plugged into autograde by nbgrader_config.py."""

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer


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
