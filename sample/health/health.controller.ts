import { Controller, Get } from '@nestjs/common';
import { Public } from '../../lib/index.js';

@Controller('health')
export class HealthController {
  @Get()
  @Public()
  health() {
    return { status: 'ok' };
  }
}
