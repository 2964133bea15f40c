"""Neural GPU research framework: `pip install -e .` (add `[test]` for the test tools,
`[ray]` for sweeps over a Ray cluster).

TensorFlow comes as the CPU-only build where one exists (a quarter of the download, no
CUDA libraries). For a GPU, install in a fresh environment with
    NEURALGPU_GPU=1 pip install -e .
which asks for tensorflow[and-cuda] instead (Linux, NVIDIA driver required).
"""
import os

from setuptools import find_packages, setup

if os.environ.get('NEURALGPU_GPU') == '1':
  TENSORFLOW = ['tensorflow[and-cuda]~=2.21.0']
else:
  TENSORFLOW = ['tensorflow-cpu~=2.21.0; platform_machine in "x86_64 AMD64"',
                'tensorflow~=2.21.0; platform_machine not in "x86_64 AMD64"']

setup(
    name='neuralgpu',
    version='0.1.0',
    description='Neural GPUs and baselines that learn algorithms, with length-'
    'generalization evaluation',
    license='MIT',
    python_requires='>=3.10',
    packages=find_packages(
        include=['neuralgpu*', 'tasks*', 'experiments*', 'benchmarks*']),
    install_requires=TENSORFLOW + [
        'numpy',
        'absl-py',
        'tensorflow-datasets~=4.9.10',
        'importlib_resources',  # tensorflow-datasets 4.9.10 imports it without requiring it
        'tensorboard~=2.21.0',
        'matplotlib',
    ],
    # ray: the sweep's --backend=ray. The tests run that backend, so they need it too;
    # pytest-xdist runs them on every core.
    extras_require={'ray': ['ray>=2.9'], 'test': ['pytest', 'pytest-xdist', 'ray>=2.9']},
)
