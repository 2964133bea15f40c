"""Bad input, everywhere a user can type something: run.py, the sweep command
(python -m experiments.sweep) and the Python API.

What this file guarantees, case by case:
- On the command line: exit status 2; stderr is one line naming what was wrong and
  what is valid; no traceback; every file and directory under the test's directory
  (workdirs, sweep roots, files given as workdirs) is byte for byte as it was, mtimes
  included. A case that fails before any work also prints nothing on stdout. A case
  on a damaged checkpoint ({missing}, {truncated}, {foreign}) is found only after
  TensorFlow has started, whose start-up lines may come first on stderr: there the
  refusal is the one `run.py: error:` line, and the last.
- In the Python API: a ValueError (or a subclass) whose message is one line naming the
  bad value and what is valid; nothing on disk changes.
- Settings are refused where they are built (presets.config; the sweep's parse_seeds,
  parse_grid and plan), checked here in-process: the commands print the same message
  after `PROGRAM: error: `, as a few cases kept end to end show.

Workdirs are copies of two tiny runs trained once per module ({run}: 8 maps; {foreign}
holds the checkpoints of the 6-map run under the 8-map run's config.json).
"""
import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tasks
from experiments import presets, sweep
from neuralgpu import faults
from neuralgpu.config import Config
from neuralgpu.runs import workdir as workdirs
from neuralgpu.training import distribute
from support import ROOT


PROGRAMS = {'run.py': [str(ROOT / 'run.py')], 'experiments.sweep': ['-m', 'experiments.sweep']}
TINY_RUN = ['--experiment=smoke', '--max_steps=4', '--eval_every=2']
DAMAGED = ('{missing}', '{truncated}', '{foreign}')  # refused only after TensorFlow starts


def invoke(program, *args, timeout=300):
  env = {k: v for k, v in os.environ.items() if k != 'TF_CONFIG'}
  return subprocess.run([sys.executable, *PROGRAMS[program], *args], capture_output=True,
                        text=True, cwd=ROOT, timeout=timeout, env=env)


def train_tiny(workdir: Path, *args) -> Path:
  result = invoke('run.py', *TINY_RUN, f'--workdir={workdir}', *args)
  assert result.returncode == 0, result.stderr
  return workdir


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
  return train_tiny(tmp_path_factory.mktemp('trained') / 'maps8')


@pytest.fixture(scope='module')
def trained_maps6(tmp_path_factory):
  return train_tiny(tmp_path_factory.mktemp('trained') / 'maps6', '--maps=6')


def snapshot(directory: Path):
  """{relative path: (bytes, mtime_ns)} of every file, 'dir' for every directory; None if
  the directory does not exist."""
  if not directory.exists():
    return None
  return {str(p.relative_to(directory)): 'dir' if p.is_dir() else
          (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.rglob('*')}


def checkpoint_files(workdir: Path, pattern: str) -> list[Path]:
  return [p for d in ('checkpoints', 'best') for p in (workdir / d).glob(pattern)]


class Scene(dict):
  """The paths a case names as {name}, each made under tmp_path on first use."""

  def __init__(self, tmp_path: Path, request):
    super().__init__()
    self.tmp, self.request = tmp_path, request

  def __missing__(self, name):
    self[name] = path = getattr(self, f'_{name}')(self.tmp / name)
    return path

  def _new(self, path):  # never created
    return path

  def _file(self, path):
    path.write_text('keep me')
    return path

  def _empty(self, path):
    path.mkdir()
    return path

  def _run(self, path):
    """A copy of the 8-map run, not yet evaluated."""
    shutil.copytree(self.request.getfixturevalue('trained'), path)
    shutil.rmtree(path / 'eval')
    return path

  def _untrained(self, path):
    path.mkdir()
    shutil.copy(self['run'] / 'config.json', path)
    return path

  def _retired(self, path):
    """A run whose config.json has a retired setting on."""
    self._run(path)
    config = (path / 'config.json').read_text()
    (path / 'config.json').write_text(config.replace('{', '{"hard_gates": true, ', 1))
    return path

  def _not_a_config(self, path):
    self._run(path)
    (path / 'config.json').write_text('{"colour": 1}\n')
    return path

  def _missing(self, path):
    self._run(path)
    for data in checkpoint_files(path, '*.data-*') + checkpoint_files(path, '*.index'):
      data.unlink()  # the `checkpoint` state files stay, naming them
    return path

  def _truncated(self, path):
    self._run(path)
    for data in checkpoint_files(path, '*.data-00000-of-00001'):
      os.truncate(data, data.stat().st_size // 2)
    return path

  def _foreign(self, path):
    """The 8-map run's config.json over the 6-map run's checkpoints."""
    self._run(path)
    for name in ('checkpoints', 'best'):
      shutil.rmtree(path / name)
      shutil.copytree(self.request.getfixturevalue('trained_maps6') / name, path / name)
    return path

  def _sweep_with_run(self, path):
    """A sweep root whose smoke_seed0 holds a run with eval_every=2 (the preset: 10)."""
    path.mkdir()
    shutil.copytree(self['run'], path / 'smoke_seed0')
    return path


@pytest.fixture
def scene(tmp_path, request):
  return Scene(tmp_path, request)


def check_refused(result, program: str, must_mention, before_work: bool):
  """Exit status 2, one line on stderr naming each of must_mention, no traceback."""
  assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
  assert 'Traceback' not in result.stderr + result.stdout, result.stderr[-2000:]
  lines = [line for line in result.stderr.splitlines() if line.strip()]
  if before_work:
    assert result.stdout == '', result.stdout
    assert len(lines) == 1, result.stderr
  else:
    errors = [line for line in lines if line.startswith(f'{program}: error:')]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr[-2000:]
  for word in must_mention:
    assert word in lines[-1], (word, lines[-1])


# --- the command line ----------------------------------------------------------------

TRAIN = ('run.py', '--experiment=smoke', '--workdir={new}')
RESUME = ('run.py', '--experiment=smoke', '--workdir={run}', '--eval_every=2')
EVAL = ('run.py', '--mode=eval')
DECODE = ('run.py', '--mode=decode')
VISUALIZE = ('run.py', '--mode=visualize', '--workdir={run}')
SWEEP = ('experiments.sweep', '--experiment=smoke', '--root={new}')
UNNAMED = {'--experiment=smoke', '--workdir={new}', '--root={new}'}


def case(argv, must_mention, id=None):  # pylint: disable=redefined-builtin
  """(program, args, words the one line must contain), its id the args that matter."""
  program, *args = argv
  name = id or ' '.join(a for a in argv if a not in UNNAMED)
  return pytest.param(program, args, must_mention, id=name)


TRAINED_MODES = [
    ('run.py', '--experiment=smoke', '--workdir={w}', '--max_steps=6', '--eval_every=2'),
    (*EVAL, '--workdir={w}'),
    (*DECODE, '--workdir={w}', '--input=1011+110'),
]
DAMAGES = [('{missing}', ['checkpoint', 'missing']),
           ('{truncated}', ['checkpoint', 'cannot be read']),
           ('{foreign}', ['checkpoint', 'does not match'])]

CLI_CASES = [
    # run.py: settings, alone or with the preset, that no run can take.
    case((*TRAIN, '--height=0'), ['--height=0', '>= 1']),
    case(('run.py', '--task=bmul', '--max_length=40', '--workdir={new}'),
         ['--max_length', 'bmul cannot take length 40', '3, 5, 7']),
    case((*TRAIN, '--experiment=nosuch'), ['nosuch', 'smoke']),
    case((*TRAIN, '--eval_lengths=4x'), ['--eval_lengths', '4x']),
    case((*TRAIN, '--maps=abc'), ['--maps', 'abc']),
    case((*TRAIN, '--lr=fast'), ['--lr', 'fast', 'float']),
    case((*TRAIN, '--jit=maybe'), ['--jit', 'maybe', 'boolean']),
    case((*TRAIN, '--mode=nosuch'), ['--mode', 'nosuch', 'train', 'eval', 'decode']),
    case((*TRAIN, '--mode=examples', '--task=nosuch'), ['--task', 'nosuch', 'badd']),
    case((*TRAIN, '--nosuchflag'), ['nosuchflag']),
    case((*TRAIN, '--hard_gates'), ['--hard_gates', 'retired', '--model=dngpu']),
    case(('run.py', '--experiment=bmul_improved', '--workdir={new}'),
         ['bmul_improved', 'retired', '--experiment=bmul_dngpu']),
    case((*TRAIN, 'stray'), ['stray', '--flag']),
    case((*TRAIN, '--mode=decode', '--input=1+1'), ['--workdir']),
    case((*TRAIN, '--model=lstm'), ['--experiment=smoke', '--maps', '--model=ngpu',
                                    'badd_lstm']),
    case((*TRAIN, '--units=64'), ['--units', '--model=lstm', 'not of --model=ngpu']),
    case((*TRAIN, '--strategy=multiworker'), ['--strategy=multiworker', 'TF_CONFIG']),
    case((*TRAIN, '--start_from_preset=nosuch'), ['--start_from_preset', 'nosuch', 'smoke']),
    case((*TRAIN, '--start_from_preset=smoke', '--start_from={run}'),
         ['--start_from', '--start_from_preset', 'not both']),
    # run.py: a flag naming a file, directory, preset, task or model, given empty.
    case((*TRAIN, '--workdir='), ['--workdir= is empty', 'run directory']),
    case((*TRAIN, '--experiment='), ['--experiment= is empty', 'badd_dngpu_two_stage',
                                     'smoke']),
    case((*TRAIN, '--task='), ['--task= is empty', 'badd, bmul']),
    case((*TRAIN, '--model='), ['--model= is empty', 'ngpu, dngpu']),
    case((*TRAIN, '--imports='), ['--imports= is empty', 'modules', 'leave the flag out']),
    case((*TRAIN, '--start_from='), ['--start_from= is empty', 'trained run']),
    case((*TRAIN, '--start_from_preset='), ['--start_from_preset= is empty', 'preset']),
    case((*TRAIN, '--resume_from='), ['--resume_from= is empty', 'stored run']),
    case((*EVAL, '--workdir={run}', '--stored_outputs='), ['--stored_outputs= is empty',
                                                          'directory']),
    case((*EVAL, '--workdir={run},{run}', '--comparison_dir='),
         ['--comparison_dir= is empty', 'directory']),
    case(('run.py', '--mode=trace', '--workdir={run}', '--suite='),
         ['--suite= is empty', 'carry_chain']),
    case((*SWEEP, '--root='), ['--root= is empty', 'directory']),
    case((*SWEEP, '--experiment='), ['--experiment= is empty', 'smoke']),
    case((*SWEEP, '--imports='), ['--imports= is empty', 'modules']),
    # run.py: workdirs it cannot train in.
    case((*TRAIN, '--workdir={file}'), ['--workdir', 'is a file', 'directory']),
    case((*TRAIN, '--workdir={file}/sub'), ['--workdir', 'cannot be written', 'directory']),
    case((*RESUME, '--maps=9'), ['--workdir', 'maps (8 -> 9)', 'To resume it, give --maps=8']),
    # --mode=eval
    case((*EVAL, '--workdir={run}', '--eval_lengths=9,10'), ['--eval_lengths', '10']),
    case((*EVAL, '--workdir={run}', '--eval_examples=0'), ['--eval_examples=0', '>= 1']),
    case((*EVAL, '--workdir={run},'), ['--workdir']),
    case((*EVAL, '--workdir={run},{run}/nosuch'), ['nosuch', 'no training run']),
    case((*EVAL, '--workdir={untrained}'), ['no checkpoint']),
    case((*EVAL, '--workdir={new}'), ['--workdir', 'new', 'no training run']),
    case((*EVAL, '--workdir={run},{run}', '--comparison_dir={file}'),
         ['--comparison_dir', 'is a file', 'directory']),
    # --mode=decode and visualize: workdirs and questions.
    case((*DECODE, '--workdir={empty}', '--input=1+1'), ['no training run']),
    case((*DECODE, '--workdir={file}', '--input=1+1'), ['--workdir', 'is a file',
                                                        'training run']),
    case((*DECODE, '--workdir={untrained}', '--input=1+1'), ['no checkpoint', 'train']),
    case((*DECODE, '--workdir={not_a_config}', '--input=1+1'),
         ['config.json', 'not a config written by run.py']),
    case((*DECODE, '--workdir={retired}', '--input=1+1'), ['hard_gates', 'retired']),
    case((*DECODE, '--workdir={run}'), ['--input', "--input='1011+110'"]),
    case((*DECODE, '--workdir={run}', '--input=10a1+1'), ['--input', "'a'", '0 1 +']),
    case((*DECODE, '--workdir={run}', '--input=1011'), ['--input', "'11+10'"]),
    case((*DECODE, '--workdir={run}', '--input=1+1+1'), ['--input', "'11+10'"]),
    case((*DECODE, '--workdir={run}', '--input='), ['--input', "'11+10'"]),
    case((*VISUALIZE, '--input=12+1'), ['--input', "'2'"]),
    case((*VISUALIZE, '--input=' + '1' * 201 + '+1'), ['--input', '401 symbols'],
         id='run.py --mode=visualize --workdir={run} --input=(403 symbols)'),
    case(('run.py', '--mode=trace'), ['--mode=trace needs --workdir']),
    case(('run.py', '--mode=trace', '--workdir={run}', '--eval_lengths=4x'),
         ['--eval_lengths', '4x']),
    case(('run.py', '--mode=trace', '--workdir={run}', '--suite=nosuch'),
         ['--suite=nosuch', 'badd', 'carry_chain, all_maximal']),
    case(('run.py', '--mode=trace', '--workdir={run}', '--checkpoint=latest'),
         ['--checkpoint', '--mode=eval and decode', '--mode=trace']),
    case((*EVAL, '--workdir={run}', '--suite=sparse'), ['--suite', '--mode=trace',
                                                       '--mode=eval']),
    case((*EVAL, '--workdir={run}', '--input=1+1'), ['--input', '--mode=decode and visualize',
                                                    '--mode=eval']),
    case((*TRAIN, '--input=1+1'), ['--input', '--mode=decode', '--mode=train']),
    case((*TRAIN, '--nosuites'), ['--suites', '--mode=eval', '--mode=train']),
    case((*DECODE, '--workdir={run}', '--input=1+1', '--suites'),
         ['--suites', '--mode=eval', '--mode=decode']),
    # The sweep command.
    case((*SWEEP, '--experiment=nosuch'), ['nosuch', 'smoke', '--experiment=list']),
    case((*SWEEP, '--experiment=smoke,nosuch'), ['nosuch', 'smoke', '--experiment=list']),
    case((*SWEEP, '--seeds=3-1'), ['--seeds=3-1', 'LOW-HIGH']),
    case((*SWEEP, '--grid=maps=0'), ['--maps=0', '>= 1']),
    case((*SWEEP, '--parallel=0'), ['--parallel', 'positive integer']),
    case((*SWEEP, '--threads=0'), ['--threads', 'positive integer']),
    case((*SWEEP, '--backend=spark'), ['--backend', 'local', 'ray']),
    case((*SWEEP, 'stray'), ['stray']),
    case((*SWEEP, '--root={file}'), ['--root', 'is a file', 'directory']),
    case((*SWEEP, '--root={sweep_with_run}', '--seeds=0'),
         ['smoke_seed0', 'eval_every (2 -> 10)', 'give --eval_every=2']),
    # A trained run whose checkpoint is damaged, to train on, evaluate or decode with.
    *[case([a.replace('{w}', damage) for a in argv], must_mention)
      for argv in TRAINED_MODES for damage, must_mention in DAMAGES],
]


@pytest.mark.slow
@pytest.mark.parametrize('program, args, must_mention', CLI_CASES)
def test_bad_command_lines_stop_in_one_line_and_change_nothing(scene, program, args,
                                                               must_mention):
  args = [a.format_map(scene) for a in args]
  before = snapshot(scene.tmp)
  result = invoke(program, *args)
  started = any(damage.strip('{}') in scene for damage in DAMAGED)
  check_refused(result, program, must_mention, before_work=not started)
  assert snapshot(scene.tmp) == before


# --- the Python API -------------------------------------------------------------------


def tf_config(text):
  """distribute.cluster() under TF_CONFIG=text (None: unset)."""

  def call(scene):
    patch = scene.request.getfixturevalue('monkeypatch')
    if text is None:
      patch.delenv('TF_CONFIG', raising=False)
    else:
      patch.setenv('TF_CONFIG', text)
    return distribute.cluster()

  return call


def best_model(scene):
  from neuralgpu.training import checkpoints  # pylint: disable=import-outside-toplevel
  return checkpoints.best_model(workdirs.load_config(scene['truncated']), scene['truncated'])


def changed_config(scene):
  return dataclasses.replace(workdirs.load_config(scene['run']), maps=9)


CHEAP_PATHS = {'new', 'file', 'empty'}  # made without training a run


def api(call, must_mention, id, needs=(), error=ValueError):  # pylint: disable=redefined-builtin
  """call(scene) must raise `error` naming each of must_mention; needs: the scene's
  paths made before the call (a case that needs a trained run is slow)."""
  trained = set(needs) - CHEAP_PATHS
  return pytest.param(call, must_mention, needs, error, id=id,
                      marks=[pytest.mark.slow] if trained else [])


def settings(name, **given):
  """presets.config: what run.py, the sweep and the API build a run's settings with, and
  refuse them by (run.py prints the message after `run.py: error: `; a few such cases
  stay end to end above)."""
  return lambda s: presets.config(name, given)


def sweep_plan(seeds='0', grid=()):
  """The sweep's reading of --seeds and --grid and its plan, as its main() calls them."""
  return lambda s: sweep.plan(['smoke'], sweep.parse_seeds(seeds), sweep.parse_grid(grid),
                              s['new'])


BADD = tasks.get('badd')
RNG = np.random.default_rng(0)
SETTING_CASES = [
    api(settings('smoke', task='nosuch'), ['--task', 'nosuch', 'badd', 'sort'], 'task'),
    api(settings('smoke', maps=0), ['--maps=0', '>= 1'], 'maps=0'),
    api(settings('smoke', cutoff=0.9), ['--cutoff=0.9', '>= 1.0'], 'cutoff=0.9'),
    api(settings('smoke', dropout=1.0), ['--dropout=1.0', '>= 0.0 and < 1.0'], 'dropout=1'),
    api(settings('smoke', dropout=-0.1), ['--dropout=-0.1'], 'dropout<0'),
    api(settings('smoke', hard_fraction=1.5), ['--hard_fraction=1.5', '>= 0.0 and <= 1.0'],
        'hard_fraction'),
    api(settings('smoke', model='lstm9'), ['--model=lstm9', 'ngpu, dngpu, lstm, gru'],
        'model before the preset'),
    api(settings('smoke', min_length=4, max_length=4), ['--min_length=4', 'badd'], 'lengths'),
    api(settings('smoke', max_length=2), ['--max_length=2', '--min_length=3'], 'max_length'),
    api(settings('smoke', eval_lengths='41,40'), ['--eval_lengths', '40'], 'eval_lengths'),
    api(settings('smoke', select_length=400), ['--select_length', '400', 'badd', '3, 5, 7'],
        'select_length'),
    api(settings('smoke', select_length=-1), ['--select_length=-1', '>= 0'],
        'select_length<0'),
    api(settings('smoke', task='sort', eval_lengths='0'), ['--eval_lengths', 'sort', '>= 1'],
        'eval_lengths of sort'),
    api(settings('badd_gru', cutoff=1.5), ['--cutoff', '--model=ngpu', '--model=gru'],
        'cutoff of a baseline'),
    api(settings('badd_lstm', bidirectional=True), ['--bidirectional', '--rnn_form=seq2seq'],
        'bidirectional read_write'),
    api(settings('badd_gru', rnn_form='attention'), ['--rnn_form', 'seq2seq'], 'rnn_form'),
    api(settings('smoke', saturation_weight=0.1),
        ['--saturation_weight', '--model=dngpu', 'not of --model=ngpu'], 'dngpu setting'),
    api(settings('bmul_dngpu', cutoff=1.5), ['--cutoff', '--model=ngpu', 'not of --model=dngpu'],
        'ngpu setting of dngpu'),
    api(settings('smoke', optimizer='sgd'), ['--optimizer=sgd', 'adam, adamax'], 'optimizer'),
    api(settings('smoke', curriculum='sometimes'),
        ['--curriculum=sometimes', 'exact, mixed, none'], 'curriculum'),
    api(settings('smoke', batching='bins'), ['--batching=bins', '--curriculum=none'],
        'bins with a curriculum'),
    api(settings('smoke', batching='bins', curriculum='none', bins='5,8'),
        ['--bins=5,8', 'ending at --max_length=9'], 'bins end'),
    api(settings('smoke', batching='bins', curriculum='none', bins='3,4,9'),
        ['--bins=3,4,9', 'bin 4 holds no length', 'badd'], 'empty bin'),
    api(settings('smoke', task='copy', target_form='zero_filled'),
        ['--target_form', 'copy', 'arithmetic tasks'], 'target_form'),
    api(settings('smoke', task='sort', hard_sampler='structured'),
        ['--hard_sampler', 'sort', 'arithmetic tasks'], 'hard_sampler of sort'),
    api(settings('smoke', hard_sampler='sparse'),
        ['--hard_sampler=sparse', 'carry_chains, structured, varied_lengths'], 'hard_sampler'),
    api(sweep_plan(seeds='a'), ['--seeds=a', '0-9'], 'seeds=a', needs=['new']),
    api(sweep_plan(seeds='-2'), ['--seeds=-2', '>= 0'], 'seeds<0', needs=['new']),
    api(sweep_plan(seeds=''), ['--seeds=', '0-9'], 'seeds empty', needs=['new']),
    api(sweep_plan(seeds='0-1,x'), ['--seeds=0-1,x', '0-9'], 'seeds x', needs=['new']),
    api(sweep_plan(grid=['lr']), ['--grid=lr', 'SETTING=V1,V2'], 'grid lr', needs=['new']),
    api(sweep_plan(grid=['lr=']), ['--grid=lr=', 'SETTING=V1,V2'], 'grid lr=', needs=['new']),
    api(sweep_plan(grid=['colour=1,2']), ["'colour'", 'not a hyperparameter', 'lr', 'maps'],
        'grid colour', needs=['new']),
    api(sweep_plan(grid=['eval_examples=3']), ["'eval_examples'", 'not a hyperparameter'],
        'grid eval_examples', needs=['new']),
    api(sweep_plan(grid=['seed=1,2']), ['--seeds'], 'grid seed', needs=['new']),
    api(sweep_plan(grid=['maps=4,x']), ['maps=x', 'int'], 'grid maps=x', needs=['new']),
    api(sweep_plan(grid=['task=nosuch']), ['nosuch', 'badd', 'sort'], 'grid task',
        needs=['new']),
    api(sweep_plan(grid=['roll_back=maybe']), ['roll_back=maybe', 'true or false'],
        'grid roll_back', needs=['new']),
    api(sweep_plan(grid=['lr=0.1', 'lr=0.2']), ['lr twice'], 'grid lr twice', needs=['new']),
]
API_CASES = [
    *SETTING_CASES,
    api(lambda s: tasks.get('nosuch'), ["'nosuch'", 'badd', 'sort'], 'tasks.get'),
    api(lambda s: tasks.register(BADD), ["'badd'", 'already registered', 'another name'],
        'tasks.register twice'),
    api(lambda s: tasks.register('badd'), ['tasks.Task', 'str'], 'tasks.register a str'),
    api(lambda s: Config(maps=0).validate(), ['--maps=0', '>= 1'], 'Config maps=0'),
    api(lambda s: Config(dropout=1.0).validate(), ['--dropout=1.0', '< 1.0'],
        'Config dropout=1.0'),
    api(lambda s: Config(lr='fast').validate(), ['--lr', "'fast'", 'number'],
        'Config lr=str'),
    api(lambda s: Config(maps='8').validate(), ['--maps', "'8'", 'integer'],
        'Config maps=str'),
    api(lambda s: Config(model='lstm9').validate(), ['--model=lstm9', 'ngpu, lstm, gru'],
        'Config model'),
    api(lambda s: Config(task='nosuch').validate(), ['--task', "'nosuch'", 'badd'],
        'Config task'),
    api(settings('smoke', eval_step_factor=0.5), ['--eval_step_factor=0.5', '>= 1.0'],
        'eval_step_factor<1'),
    api(settings('smoke', train_step_factors='1,0.5'),
        ['--train_step_factors=1,0.5', 'at least 1'], 'train_step_factors<1'),
    api(settings('smoke', train_step_factors='1,x'), ['--train_step_factors=1,x'],
        'train_step_factors not numbers'),
    api(lambda s: Config(model='lstm', eval_step_factor=2.0).validate(),
        ['--eval_step_factor', '--model=ngpu and --model=dngpu', 'not of --model=lstm'],
        'eval_step_factor of a baseline'),
    api(lambda s: Config(units=64).validate(), ['--units', '--model=lstm', '--model=ngpu'],
        'Config setting of another model'),
    api(lambda s: Config(task='badd', min_length=4, max_length=4).validate(),
        ['--min_length=4', '--max_length=4', 'badd', '3, 5, 7'], 'Config lengths'),
    api(lambda s: Config(eval_lengths='41,40').validate(), ['--eval_lengths', '40', '3, 5, 7'],
        'Config eval_lengths'),
    api(lambda s: BADD.encode('10a1+1'), ["'10a1+1'", "'a'", '0 1 +'], 'encode symbol'),
    api(lambda s: BADD.encode('1+1+1'), ["'1+1+1'", "'11+10'"], 'encode three operands'),
    api(lambda s: BADD.encode(''), ["''", "'11+10'"], 'encode empty'),
    api(lambda s: BADD.encode(1011), ['string', "'11+10'", 'int'], 'encode int'),
    api(lambda s: BADD.decode([9]), ['id 9', '0..3'], 'decode id'),
    api(lambda s: BADD.sample(RNG, 2, 4), ['length 4', '3, 5, 7'], 'sample length'),
    api(lambda s: BADD.sample(RNG, 0, 5), ['batch_size', '>= 1', '0'], 'sample batch'),
    api(lambda s: BADD.sample(0, 2, 5), ['rng', 'default_rng', 'int'], 'sample rng'),
    api(lambda s: workdirs.prepare(s['file'], Config()), ['is a file', 'directory'],
        'prepare a file', needs=['file']),
    api(lambda s: workdirs.prepare(s['file'] / 'sub', Config()),
        ['cannot be written', 'writable directory'], 'prepare under a file', needs=['file']),
    api(lambda s: workdirs.prepare(s['run'], changed_config(s)),
        ['maps (8 -> 9)', 'give --maps=8'], 'prepare changed config', needs=['run']),
    api(lambda s: workdirs.prepare(s['new'], Config(start_from=str(s['empty']))),
        ['--start_from=', 'no trained run with a best checkpoint', '--workdir'],
        'prepare start_from empty', needs=['new', 'empty']),
    api(lambda s: workdirs.prepare(s['new'], Config(start_from=str(s['empty']),
                                                    start_from_checkpoint='latest')),
        ['--start_from=', 'no trained run with a latest checkpoint', '--training_state',
         '--start_from_checkpoint=best'], 'prepare start_from latest empty',
        needs=['new', 'empty']),
    api(lambda s: workdirs.load_config(s['empty']), ['no config.json', '--workdir'],
        'load_config empty', needs=['empty']),
    api(lambda s: workdirs.load_config(s['untrained']), ['no checkpoint', 'train'],
        'load_config untrained', needs=['untrained']),
    api(lambda s: sweep.parse_seeds('3-1'), ['--seeds=3-1', 'LOW <= HIGH'], 'parse_seeds'),
    api(lambda s: sweep.parse_grid(['colour=1']), ["'colour'", 'lr', 'maps'], 'parse_grid'),
    api(lambda s: sweep.parse_grid(['maps=x']), ['maps=x', 'int'], 'parse_grid type'),
    api(tf_config(None), ['TF_CONFIG', '"index": 0'], 'cluster without TF_CONFIG'),
    api(tf_config('nojson'), ["TF_CONFIG='nojson'", '"index": I'], 'cluster TF_CONFIG'),
    api(tf_config('{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 3}}'),
        ['"index": 3', 'one of the workers'], 'cluster TF_CONFIG index'),
    api(best_model, ['checkpoint', 'cannot be read'], 'best_model truncated',
        needs=['truncated'], error=faults.UnusableCheckpoint),
]


@pytest.mark.parametrize('call, must_mention, needs, error', API_CASES)
def test_bad_api_calls_raise_one_line_value_errors_and_change_nothing(scene, call,
                                                                      must_mention, needs,
                                                                      error):
  assert issubclass(error, ValueError)
  for name in needs:
    scene[name]  # pylint: disable=pointless-statement
  before = snapshot(scene.tmp)
  with pytest.raises(error) as raised:
    call(scene)
  message = str(raised.value)
  assert len(message.splitlines()) == 1, message
  for word in must_mention:
    assert word in message, (word, message)
  assert snapshot(scene.tmp) == before
