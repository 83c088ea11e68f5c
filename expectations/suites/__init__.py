"""Check suites, one module per source system; ``cross`` holds the cross-source checks."""
