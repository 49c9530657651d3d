"""A custom PythonModel logged from code by the models suites. What it does depends on x:
-1 kills its own process, -2 sleeps (a stuck model), -3 raises, -4 describes the DataFrame it got
(columns, dtypes, index); otherwise it returns x * scale."""
import os
import signal
import time

import mlflow
from mlflow.models import set_model


class Custom(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        scale = (params or {}).get("scale", 1.0)
        x = model_input["x"]
        if (x == -1).any():
            os.kill(os.getpid(), signal.SIGKILL)
        if (x == -2).any():
            time.sleep(3600)
        if (x == -3).any():
            raise ValueError("x must not be -3")
        if (x == -4).any():
            return {"columns": [str(c) for c in model_input.columns],
                    "dtypes": [str(t) for t in model_input.dtypes],
                    "index": [str(i) for i in model_input.index],
                    "values": model_input.astype(str).values.tolist()}
        return x * scale


set_model(Custom())
