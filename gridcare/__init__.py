"""GridCare: the core both services import (`gridcare.core`), and on top of both the `gridcare`
command line (`gridcare.cli`) and the demo (`gridcare.demo`)."""
