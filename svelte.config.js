/** Svelte compiler options for the tests and the playground: the defaults. */
export default {};
