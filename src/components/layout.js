// Framework's resize() renders once for every width the browser reports, including the
// narrow one of a card measured before the page has finished its layout. A chart narrower
// than its margins draws bars of negative width, so charts never go below this width: on a
// very narrow screen they scroll instead.
export const MIN_CHART_WIDTH = 360;
