package sqllex

// Keyword is a word SQL reserves or a toolbar highlights, or 0 for any other
// word. Its value is an index into one table, so comparing keywords costs an
// integer comparison and needs no case folding.
type Keyword uint8

// The keywords, one per name, in alphabetical order.
const (
	_ Keyword = iota // not a keyword
	Add
	All
	Alter
	Analyze
	And
	Any
	Apply
	As
	Asc
	Begin
	Between
	By
	Cascade
	Case
	Cast
	Check
	Collate
	Column
	Commit
	Conflict
	Constraint
	Create
	Cross
	CurrentDate
	CurrentTime
	CurrentTimestamp
	Default
	Delete
	Desc
	Distinct
	Do
	Drop
	Duplicate
	Else
	End
	Escape
	Except
	Exists
	Explain
	False
	Fetch
	Filter
	First
	For
	Foreign
	From
	Full
	Glob
	Group
	Having
	If
	Ignore
	Ilike
	In
	Index
	Inner
	Insert
	Intersect
	Into
	Is
	Isnull
	Join
	Key
	Last
	Lateral
	Left
	Like
	Limit
	Locked
	Matched
	Merge
	Natural
	Next
	Not
	Nothing
	Notnull
	Nowait
	Null
	Nulls
	Of
	Offset
	On
	Only
	Or
	Order
	Outer
	Over
	Partition
	Pragma
	Primary
	Recursive
	References
	Regexp
	Release
	Replace
	Return
	Returning
	Right
	Rollback
	Row
	Rows
	Savepoint
	Select
	Set
	Share
	Similar
	Skip
	StraightJoin
	Table
	Then
	To
	Top
	Transaction
	True
	Truncate
	Union
	Unique
	Update
	Using
	Values
	View
	When
	Where
	Window
	With
	Within
)

// String returns the keyword in upper case, or "" for 0.
func (k Keyword) String() string {
	if int(k) < len(keywordNames) {
		return keywordNames[k]
	}
	return ""
}

// Reserved reports whether k is never an operand: a "(" after it does not
// call it ("IN (", "EXISTS (", but "count(" and "left("), a "-" after it is a
// sign ("LIMIT -1"), and a "[" after it opens a quoted name ("FROM[Users]"),
// not a subscript.
func (k Keyword) Reserved() bool { return int(k) < len(reserved) && reserved[k] }

var keywordNames = [...]string{
	Add: "ADD", All: "ALL", Alter: "ALTER", Analyze: "ANALYZE", And: "AND", Any: "ANY", Apply: "APPLY", As: "AS", Asc: "ASC",
	Begin: "BEGIN", Between: "BETWEEN", By: "BY",
	Cascade: "CASCADE", Case: "CASE", Cast: "CAST", Check: "CHECK", Collate: "COLLATE", Column: "COLUMN", Commit: "COMMIT", Conflict: "CONFLICT", Constraint: "CONSTRAINT", Create: "CREATE", Cross: "CROSS", CurrentDate: "CURRENT_DATE", CurrentTime: "CURRENT_TIME", CurrentTimestamp: "CURRENT_TIMESTAMP",
	Default: "DEFAULT", Delete: "DELETE", Desc: "DESC", Distinct: "DISTINCT", Do: "DO", Drop: "DROP", Duplicate: "DUPLICATE",
	Else: "ELSE", End: "END", Escape: "ESCAPE", Except: "EXCEPT", Exists: "EXISTS", Explain: "EXPLAIN",
	False: "FALSE", Fetch: "FETCH", Filter: "FILTER", First: "FIRST", For: "FOR", Foreign: "FOREIGN", From: "FROM", Full: "FULL",
	Glob: "GLOB", Group: "GROUP",
	Having: "HAVING",
	If:     "IF", Ignore: "IGNORE", Ilike: "ILIKE", In: "IN", Index: "INDEX", Inner: "INNER", Insert: "INSERT", Intersect: "INTERSECT", Into: "INTO", Is: "IS", Isnull: "ISNULL",
	Join: "JOIN",
	Key:  "KEY",
	Last: "LAST", Lateral: "LATERAL", Left: "LEFT", Like: "LIKE", Limit: "LIMIT", Locked: "LOCKED",
	Matched: "MATCHED", Merge: "MERGE",
	Natural: "NATURAL", Next: "NEXT", Not: "NOT", Nothing: "NOTHING", Notnull: "NOTNULL", Nowait: "NOWAIT", Null: "NULL", Nulls: "NULLS",
	Of: "OF", Offset: "OFFSET", On: "ON", Only: "ONLY", Or: "OR", Order: "ORDER", Outer: "OUTER", Over: "OVER",
	Partition: "PARTITION", Pragma: "PRAGMA", Primary: "PRIMARY",
	Recursive: "RECURSIVE", References: "REFERENCES", Regexp: "REGEXP", Release: "RELEASE", Replace: "REPLACE", Return: "RETURN", Returning: "RETURNING", Right: "RIGHT", Rollback: "ROLLBACK", Row: "ROW", Rows: "ROWS",
	Savepoint: "SAVEPOINT", Select: "SELECT", Set: "SET", Share: "SHARE", Similar: "SIMILAR", Skip: "SKIP", StraightJoin: "STRAIGHT_JOIN",
	Table: "TABLE", Then: "THEN", To: "TO", Top: "TOP", Transaction: "TRANSACTION", True: "TRUE", Truncate: "TRUNCATE",
	Union: "UNION", Unique: "UNIQUE", Update: "UPDATE", Using: "USING",
	Values: "VALUES", View: "VIEW",
	When: "WHEN", Where: "WHERE", Window: "WINDOW", With: "WITH", Within: "WITHIN",
}

var reserved = [...]bool{
	All: true, And: true, Apply: true, As: true, Between: true, By: true, Case: true,
	Conflict: true, Delete: true, Distinct: true, Do: true, Else: true, Except: true,
	Exists: true, Fetch: true, Filter: true, From: true, Group: true, Having: true,
	Ilike: true, In: true, Insert: true, Intersect: true, Into: true, Is: true, Join: true,
	Lateral: true, Like: true, Limit: true, Not: true, Offset: true, On: true, Or: true,
	Order: true, Over: true, Partition: true, Recursive: true, Return: true,
	Returning: true, Select: true, Set: true, Then: true, Top: true, Union: true,
	Update: true, Using: true, Values: true, When: true, Where: true, Window: true,
	With: true, Within: true,
}

// maxKeyword is the length of the longest keyword, CURRENT_TIMESTAMP.
const maxKeyword = 17

// keywordTable is an open-addressed hash table of the keywords, a quarter
// full, whose hash spreads them so that a keyword is found at the first probe
// but for a few at the second: a lookup costs a handful of byte loads and one
// comparison, where a map would hash and compare the whole word.
var keywordTable = func() (t [512]Keyword) {
	for k := Keyword(1); int(k) < len(keywordNames); k++ {
		h := keywordHash(keywordNames[k])
		for t[h] != 0 {
			h = (h + 1) % uint32(len(t))
		}
		t[h] = k
	}
	return t
}()

// keywordHash hashes a word of at least two bytes on its length and its
// first, second and last bytes, without case.
func keywordHash(w string) uint32 {
	h := 8*uint32(len(w)) + 136*uint32(w[0]&^0x20) + 17*uint32(w[1]&^0x20) + uint32(w[len(w)-1]&^0x20)
	return h % 512
}

// lookup returns the keyword the word w spells in any case, or 0. A word's
// bytes are letters, digits, "_", "$" and bytes of UTF-8 sequences, and of
// those c&^0x20 is the upper case of a letter, "_" for "_", and no letter
// or "_" for the others: it compares without case.
func lookup(w string) Keyword {
	if len(w) < 2 || len(w) > maxKeyword {
		return 0
	}
	for h := keywordHash(w); keywordTable[h] != 0; h = (h + 1) % uint32(len(keywordTable)) {
		k := keywordTable[h]
		if name := keywordNames[k]; len(name) == len(w) && upperEqual(w, name) {
			return k
		}
	}
	return 0
}

// upperEqual reports whether the word w is upper, an upper-case keyword of
// the same length, without case.
func upperEqual(w, upper string) bool {
	for i := 0; i < len(upper); i++ {
		if w[i]&^0x20 != upper[i] {
			return false
		}
	}
	return true
}
