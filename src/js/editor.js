// PyRoad's code editor: CodeMirror 6 with only the pieces a Python exercise needs.
// Bundled by esbuild into a single ES module; the Rust app calls mountEditor via wasm-bindgen.

import { EditorState, Prec, RangeSetBuilder } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, drawSelection, Decoration, ViewPlugin,
} from "@codemirror/view";
import {
  defaultKeymap, history, historyKeymap, indentWithTab, isolateHistory,
} from "@codemirror/commands";
import {
  HighlightStyle, StreamLanguage, syntaxHighlighting, syntaxTree, indentUnit, indentOnInput, bracketMatching,
} from "@codemirror/language";
import { sqlite } from "@codemirror/legacy-modes/mode/sql";
import { yaml } from "@codemirror/legacy-modes/mode/yaml";
import { dockerFile } from "@codemirror/legacy-modes/mode/dockerfile";
import { toml } from "@codemirror/legacy-modes/mode/toml";
import { properties } from "@codemirror/legacy-modes/mode/properties";
import { shell } from "@codemirror/legacy-modes/mode/shell";
// Both are dependencies of @codemirror/lang-python (pinned by package-lock.json).
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { tags as t, styleTags } from "@lezer/highlight";
// pythonLanguage rather than python(): python() attaches completion sources we don't use.
import { pythonLanguage } from "@codemirror/lang-python";

// The grammar tags only the "@" of a decorator; colour its name too.
const python = pythonLanguage.configure({
  props: [styleTags({ "Decorator/VariableName Decorator/.": t.meta })],
});

const highlight = HighlightStyle.define([
  { tag: t.keyword, color: "var(--tok-keyword)", fontWeight: "600" },
  { tag: t.modifier, color: "var(--tok-keyword)" }, // async, *args, **kwargs, f"{x!r}"
  { tag: [t.string, t.special(t.string), t.escape], color: "var(--tok-string)" },
  { tag: t.number, color: "var(--tok-number)" },
  { tag: t.comment, color: "var(--tok-comment)", fontStyle: "italic" },
  {
    tag: [t.function(t.definition(t.variableName)), t.definition(t.className)],
    color: "var(--tok-def)", fontWeight: "600",
  },
  { tag: [t.bool, t.null], color: "var(--tok-constant)", fontWeight: "600" },
  { tag: t.meta, color: "var(--tok-decorator)" },
]);

// The parser can't tell print from any other name, so builtins are marked by name,
// matching the static highlighter (src/highlight.rs).
const BUILTINS = new Set(
  ("abs all any bool bytes callable chr dict dir divmod enumerate filter float format frozenset " +
    "getattr hasattr hash help id input int isinstance issubclass iter len list map max min next " +
    "object open ord pow print property range repr reversed round set setattr sorted staticmethod " +
    "classmethod str sum super tuple type vars zip self cls").split(" "),
);
const NOT_BUILTIN_PARENTS = ["Decorator", "FunctionDefinition", "ClassDefinition"];
const builtinMark = Decoration.mark({ class: "cm-builtin" });

function builtinDecorations(view) {
  const out = new RangeSetBuilder();
  const { doc } = view.state;
  syntaxTree(view.state).iterate({
    from: view.viewport.from,
    to: view.viewport.to,
    enter(node) {
      if (
        node.name == "VariableName" &&
        BUILTINS.has(doc.sliceString(node.from, node.to)) &&
        !NOT_BUILTIN_PARENTS.includes(node.node.parent?.name)
      ) out.add(node.from, node.to, builtinMark);
    },
  });
  return out.finish();
}

const builtins = ViewPlugin.fromClass(
  class {
    constructor(view) { this.decorations = builtinDecorations(view); }
    update(u) {
      if (u.docChanged || u.viewportChanged || syntaxTree(u.startState) != syntaxTree(u.state))
        this.decorations = builtinDecorations(u.view);
    }
  },
  { decorations: (p) => p.decorations },
);

const LINE_HEIGHT = 1.5;

const theme = EditorView.theme({
  "&": {
    color: "var(--fg)",
    backgroundColor: "var(--code-bg)",
    border: "1px solid var(--border)",
    borderRadius: "var(--radius, 0.6rem)",
    overflow: "hidden",
    maxHeight: "28rem",
  },
  "&.cm-focused": { outline: "3px solid var(--focus, var(--accent))", outlineOffset: "2px" },
  ".cm-scroller": {
    overflow: "auto",
    fontFamily: 'ui-monospace, "Cascadia Code", "JetBrains Mono", Menlo, Consolas, monospace',
    lineHeight: String(LINE_HEIGHT),
  },
  // About six lines tall when (nearly) empty; the editor then grows up to maxHeight.
  ".cm-content, .cm-gutter": { minHeight: `${6 * LINE_HEIGHT}em` },
  ".cm-content": { caretColor: "var(--accent)" },
  ".cm-cursor, .cm-dropCursor": { borderLeft: "2px solid var(--accent)" },
  ".cm-gutters": {
    backgroundColor: "var(--code-bg)",
    color: "var(--muted)",
    borderRight: "1px solid var(--border)",
  },
  // The selection is drawn behind the text, so it can be faded with opacity...
  ".cm-selectionBackground, &.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground":
    { background: "var(--accent)", opacity: "0.3" },
  // ...but the active line sits above it and must stay translucent.
  // 4%: every token colour keeps 4.5:1 contrast on the line being edited.
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 4%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "transparent", color: "var(--fg)" },
  "&.cm-focused .cm-matchingBracket": {
    backgroundColor: "transparent",
    outline: "1px solid var(--accent)",
  },
  ".cm-builtin": { color: "var(--tok-builtin)" },
});

// Answers that aren't Python (ANSWER_LANGUAGES in src/model/lesson.rs); "text" has none.
const OTHER_LANGUAGES = { sql: sqlite, yaml, dockerfile: dockerFile, toml, ini: properties, shell };

function language(name) {
  if (name === "python") return [python, builtins];
  const mode = OTHER_LANGUAGES[name];
  return mode ? [StreamLanguage.define(mode)] : [];
}

export function mountEditor(parent, options) {
  const {
    doc = "", label = "Code editor", onChange = () => {}, onRun = () => {}, lang = "python",
  } = options || {};
  let quiet = false; // set while setValue dispatches, so it doesn't report a change

  const run = () => {
    onRun();
    return true;
  };

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        Prec.highest(keymap.of([
          { key: "Mod-Enter", run },
          { key: "Ctrl-Enter", run }, // Mod is Cmd on macOS; keep Ctrl+Enter working there too
        ])),
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        language(lang),
        syntaxHighlighting(highlight),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        // Tab is captured for indenting; CodeMirror still lets Escape then Tab leave the editor.
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of({
          "aria-label": label,
          // Editable text is focusable anyway; saying so lets audits see that a scrolling
          // editor (a long line in a narrow step) can be reached from the keyboard.
          tabindex: "0",
          autocorrect: "off",
          autocapitalize: "off",
          autocomplete: "off",
          spellcheck: "false",
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !quiet) onChange(u.state.doc.toString());
        }),
        theme,
      ],
    }),
  });

  return {
    setValue(text) {
      quiet = true;
      try {
        view.dispatch({
          changes: { from: 0, to: view.state.doc.length, insert: text },
          // Its own undo step: typing right after a reset must not merge into it.
          annotations: isolateHistory.of("full"),
        });
      } finally {
        quiet = false;
      }
    },
    destroy: () => view.destroy(),
  };
}
