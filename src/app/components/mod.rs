//! Pieces the pages are built from. `code_block` (an example with Run and Copy), `exercise`
//! and `quiz` are the lesson's interactive blocks; `console` shows a program's output and
//! takes its input, with `chart` drawing the Plotly figures in it; `step_through` replays a
//! recorded run a step at a time; `editor` wraps CodeMirror, loaded only when a page needs it;
//! `file_tabs` switches between files; `in_turn` puts a long page's later parts on it a task
//! each; `loading` fetches a lesson and shows why it failed; the rest are the header's parts.

pub mod chart;
pub mod code_block;
pub mod console;
pub mod editor;
pub mod exercise;
pub mod file_tabs;
pub mod header;
pub mod in_turn;
pub mod loading;
pub mod progress_bar;
pub mod quiz;
pub mod search_box;
pub mod step_through;
pub mod storage_notice;
