package main

// Pair is one bottleneck of the clinic: a page written the slow way, its
// fixed twin, and what the toolbar shows about the difference.
type Pair struct {
	N     int
	Title string
	Look  string // what to look for in the toolbar, one sentence
	Bad   Side
	Fix   Side
}

// Side is one page of a pair.
type Side struct {
	URL  string
	What string // what the code does, one sentence
}

// Pair numbers, used by the handlers to find their pair.
const (
	pairNPlusOne = iota + 1
	pairManyToMany
	pairCounting
	pairColumns
	pairIndex
	pairBulkInsert
	pairCounter
	pairDuplicates
	pairPagination
	pairExternal
	pairTemplate
	pairCache
)

// listSize is how many posts the list pages show.
const listSize = 20

// pairs returns the clinic's pairs; deepCursor is the keyset cursor that
// reaches the same page as the OFFSET page.
func pairs(deepCursor int64) []Pair {
	return []Pair{
		{N: pairNPlusOne, Title: "N+1 queries",
			Look: "The SQL panel shows one SELECT on authors per post and an N+1 alert; the fix runs a single JOIN.",
			Bad:  Side{"/n-plus-one/bad", "Loads the posts, then calls store.AuthorByID for each one."},
			Fix:  Side{"/n-plus-one/fix", "Loads the posts with their author's name in one JOIN."}},
		{N: pairManyToMany, Title: "Many-to-many and reverse foreign keys",
			Look: "Two queries per post (its tags, its comment count) and an N+1 alert; the fix runs three queries whatever the number of posts.",
			Bad:  Side{"/tags-and-comments/bad", "Calls store.TagsForPost and store.CommentCount for each post."},
			Fix:  Side{"/tags-and-comments/fix", "Loads all tags with one IN (...) query (sqlx.In) and all counts with one GROUP BY."}},
		{N: pairCounting, Title: "Counting in Go instead of SQL",
			Look: "The same few queries, but the bad one reads all 3,000 comments (see the rows column and the SQL time) just to len() them.",
			Bad:  Side{"/count-in-go/bad", "Loads every comment, then counts them in Go."},
			Fix:  Side{"/count-in-go/fix", "Asks SQLite for COUNT(*), grouped by post."}},
		{N: pairColumns, Title: "Loading every column",
			Look: "One query each, but the bad one is SELECT * and drags every post body along for a list of titles: compare the SQL time.",
			Bad:  Side{"/all-columns/bad", "Uses store.LatestPosts, which returns whole posts, bodies included."},
			Fix:  Side{"/all-columns/fix", "Selects only id, title and date."}},
		{N: pairIndex, Title: "Missing index",
			Look: "Compare the query plan under the list: SCAN posts plus a temporary B-tree without the index, SEARCH posts USING INDEX with it.",
			Bad:  Side{"/missing-index/bad", "Filters posts by author and orders them by date with no index to help (press Drop if it exists)."},
			Fix:  Side{"/missing-index/fix", "The same query once the index on (author_id, created_at) exists (press Create if it does not)."}},
		{N: pairBulkInsert, Title: "One INSERT per row",
			Look: "Two hundred INSERTs, each its own transaction, against one multi-row INSERT inside a transaction.",
			Bad:  Side{"/bulk-insert/bad", "Imports 200 comments by calling store.ImportComment in a loop."},
			Fix:  Side{"/bulk-insert/fix", "Imports the same 200 comments with one INSERT ... VALUES (...), (...) in a transaction."}},
		{N: pairCounter, Title: "Read-modify-write",
			Look: "A SELECT of the whole post then an UPDATE that writes every column back, against a single UPDATE ... SET views = views + 1.",
			Bad:  Side{"/view-counter/bad", "Loads the post, adds one to Views in Go and saves the post."},
			Fix:  Side{"/view-counter/fix", "Lets SQLite add one, atomically, and return the new count."}},
		{N: pairDuplicates, Title: "Duplicate queries",
			Look: "The same post and author SELECTs run several times with the same arguments: a duplicate-queries alert.",
			Bad:  Side{"/duplicate-queries/bad", "The title, breadcrumbs and sidebar helpers each load the post (and its author) themselves."},
			Fix:  Side{"/duplicate-queries/fix", "Loads the post and author once and passes them to the helpers."}},
		{N: pairPagination, Title: "Deep OFFSET pagination",
			Look: "The OFFSET page needs a COUNT(*) and its plan scans past 390 rows; the cursor page's plan is a SEARCH on the primary key.",
			Bad:  Side{"/pagination/bad?page=40", "Page 40 with LIMIT/OFFSET and page numbers."},
			Fix:  Side{"/pagination/fix?before=" + itoa(deepCursor), "The same rows with keyset pagination: WHERE id < cursor."}},
		{N: pairExternal, Title: "Serial external calls",
			Look: "The timeline shows five 30 ms calls one after the other; the fix runs them side by side and the request takes about one call's time.",
			Bad:  Side{"/external-calls/bad", "Asks the pricing service for five prices, one after the other."},
			Fix:  Side{"/external-calls/fix", "Asks for the five prices concurrently with an errgroup."}},
		{N: pairTemplate, Title: "Queries inside templates",
			Look: "An N+1 alert whose queries come from the template's generated code while it renders; the fix loads everything first.",
			Bad:  Side{"/template-queries/bad", "The component calls an author loader for each row as it renders."},
			Fix:  Side{"/template-queries/fix", "The handler loads posts with authors, then renders plain data."}},
		{N: pairCache, Title: "No cache",
			Look: "The Cache panel shows a get that hits from the second load on, and the top-posts query disappears from the SQL panel.",
			Bad:  Side{"/top-posts/bad", "Runs the top-posts query on every request."},
			Fix:  Side{"/top-posts/fix", "Keeps the top posts in a small in-memory cache for 30 seconds."}},
	}
}
