// A small GraphQL-over-HTTP client and the paged reads built on it.

export class GraphQLRequestError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join("; "));
    this.errors = errors;
    this.extensions = errors[0]?.extensions ?? {};
    this.code = this.extensions.code;
  }
}

// POST {query, variables}; the data, or a GraphQLRequestError carrying the errors.
// `Accept: application/json`: a request refused before execution (too complex, say) is
// then HTTP 200 with `errors` (the GraphQL-over-HTTP rule for that media type) rather than
// a 400 that the browser would also log in the console.
export async function request(endpoint, query, variables = {}) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`${endpoint} answered HTTP ${response.status} without JSON`);
  }
  if (body.errors?.length) throw new GraphQLRequestError(body.errors);
  return body.data;
}

// Sends `query` with the page size `variables[key]`, halved until the server's limits
// accept it (QUERY_TOO_COMPLEX otherwise): for a request of a few root fields.
export async function requestFitted(endpoint, query, variables, key) {
  for (let size = variables[key]; ; size = Math.max(1, Math.floor(size / 2))) {
    try {
      return await request(endpoint, query, { ...variables, [key]: size });
    } catch (error) {
      if (error.code !== "QUERY_TOO_COMPLEX" || size === 1) throw error;
    }
  }
}

export const PAGE_SIZE = 100; // the API's largest `limit`
const START_PAGES = 10; // pages a request asks for at first (GQL_MAX_ROOT_FIELDS' default)
const PARALLEL = 2; // requests in flight at once

// Reads `total` items from `start` on, in pages of `size` sent `pages` at a time as
// aliases of one query (`document(offset, pages, size)`), two requests at a time.
// A QUERY_TOO_COMPLEX answer names the limit it hit and its maximum: the reader shrinks
// its requests to fit (fewer aliases, then smaller pages) and asks again, so the page
// keeps working under a server configured with lower limits.
export async function readPages(endpoint, document, variables, start, total, onPage) {
  let pages = START_PAGES;
  let size = PAGE_SIZE;
  let next = start;
  const retry = []; // ranges [offset, end) to read again after a refusal

  function take() {
    if (retry.length) return retry.shift();
    if (next >= total) return null;
    const range = [next, Math.min(total, next + pages * size)];
    next = range[1];
    return range;
  }

  function shrink(error, asked, askedSize) {
    const { limit, max, actual } = error.extensions;
    if (asked > pages || askedSize > size) return true; // the other request shrank them since
    if ((limit === "rootFields" || limit === "aliases") && asked > 1) {
      pages = Math.max(1, Math.min(pages, max));
    } else if (limit === "cost" && asked > 1) {
      pages = Math.max(1, Math.min(pages - 1, Math.floor((asked * max) / actual)));
    } else if (size > 1) {
      size = Math.max(1, Math.floor(size / 2));
    } else {
      return false;
    }
    return true;
  }

  async function worker() {
    for (let range = take(); range; range = take()) {
      const [offset, end] = range;
      const sized = size;
      const count = Math.min(Math.ceil((end - offset) / sized), pages);
      const reach = Math.min(end, offset + count * sized);
      let data;
      try {
        data = await request(endpoint, document(offset, count, sized), variables);
      } catch (error) {
        if (error.code === "QUERY_TOO_COMPLEX" && shrink(error, count, sized)) {
          retry.push([offset, end]);
          continue;
        }
        throw error;
      }
      if (reach < end) retry.push([reach, end]); // the part a shrunk request left
      for (let i = 0; i < count; i++) onPage(data[`p${i}`]);
    }
  }

  await Promise.all(Array.from({ length: PARALLEL }, worker));
}
