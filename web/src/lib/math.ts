// KaTeX and its stylesheet, loaded by lib/markdown.ts the first time an answer holds a formula:
// ≈ 75 kB of script (gzipped) most chats never need.
import 'katex/dist/katex-swap.min.css';

export { default as katex } from 'katex';
