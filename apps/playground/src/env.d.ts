// Stylesheets imported for their side effect: Vite puts them in the page's CSS bundle.
declare module '*.css'
